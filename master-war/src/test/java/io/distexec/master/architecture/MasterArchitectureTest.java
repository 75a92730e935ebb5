package io.distexec.master.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The master's packages (its WAR and the core beneath it) and the shared modules form no cycle, and
 * only the gRPC adapter speaks gRPC to workers.
 */
class MasterArchitectureTest {

  private static final JavaClasses MASTER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // test-jars of other modules (fixtures such as MutableClock) are tests too
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("io.distexec.master", "io.distexec.common", "io.distexec.executor");

  @Test
  void thePackagesOfTheMasterFormNoCycle() {
    slices().matching("io.distexec.(**)").should().beFreeOfCycles().check(MASTER);
  }

  @Test
  void theStoreKeepsItsOwnFormatAndKnowsNoApi() {
    noClasses()
        .that()
        .resideInAPackage("io.distexec.master.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.distexec.master.grpc..", "io.distexec.master.api..")
        .check(MASTER);
  }
}
