package io.distexec.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** distctl builds on the client library only, and the two form no cycle. */
class ClientArchitectureTest {

  private static final JavaClasses CLIENT_SIDE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // test-jars of other modules (fixtures such as MutableClock) are tests too
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("io.distexec.cli", "io.distexec.client", "io.distexec.common");

  @Test
  void theClientSideFormsNoCycle() {
    slices().matching("io.distexec.(**)").should().beFreeOfCycles().check(CLIENT_SIDE);
  }

  @Test
  void theClientDoesNotReachIntoTheCli() {
    noClasses()
        .that()
        .resideInAPackage("io.distexec.client..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.distexec.cli..")
        .check(CLIENT_SIDE);
  }
}
