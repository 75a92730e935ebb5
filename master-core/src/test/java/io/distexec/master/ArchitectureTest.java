package io.distexec.master;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The core's boundaries as tests: no container, wire or configuration types in its code (the
 * enforcer in its pom keeps such jars off its class path; this keeps their names out of its code
 * even where another module would put them there), and no cycles between its packages.
 */
class ArchitectureTest {

  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // test-jars of other modules (fixtures such as MutableClock) are tests too
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("io.distexec.master");

  @Test
  void theCoreUsesNoContainerWireOrConfigurationTypes() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "jakarta..",
            "javax.enterprise..",
            "io.grpc..",
            "com.google.protobuf..",
            "io.distexec.proto..",
            "org.eclipse.microprofile..",
            "io.distexec.common..")
        .because("master-core is plain Java; adapters live in master-war")
        .check(CORE);
  }

  @Test
  void theCorePackagesFormNoCycle() {
    slices().matching("io.distexec.master.(*)..").should().beFreeOfCycles().check(CORE);
  }
}
