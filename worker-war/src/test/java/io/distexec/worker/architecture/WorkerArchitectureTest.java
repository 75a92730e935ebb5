package io.distexec.worker.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The worker's packages and the executor modules beneath it form no cycle. */
class WorkerArchitectureTest {

  private static final JavaClasses WORKER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // test-jars of other modules (fixtures such as MutableClock) are tests too
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("io.distexec.worker", "io.distexec.common", "io.distexec.executor");

  @Test
  void thePackagesOfTheWorkerFormNoCycle() {
    slices().matching("io.distexec.(**)").should().beFreeOfCycles().check(WORKER);
  }
}
