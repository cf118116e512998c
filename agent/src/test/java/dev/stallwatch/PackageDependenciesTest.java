package dev.stallwatch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package layout of docs/architecture.md true: features over shared layers, no package cycles. Without a
 * test the layout decays one convenient import at a time, and a cycle is what made the old layout impossible to
 * change a piece at a time. Checks the agent's main classes only (tests may reach across packages).
 */
class PackageDependenciesTest {
  private static final String BASE = "dev.stallwatch.";
  private static final List<String> FEATURES = List.of("locks", "permits", "blocks", "websocket");
  /** The one import between features: the lock engine's walk feeds permits, and a semaphore wait names holders. */
  private static final Map<String, Set<String>> FEATURE_IMPORTS = Map.of("locks", Set.of("permits"));
  /** Each shared layer and the shared layers it may import, lowest first. */
  private static final Map<String, Set<String>> SHARED_LAYERS = Map.of(
      "log", Set.of(),
      "bootstrap", Set.of(),
      "config", Set.of(),
      "telemetry", Set.of("config", "bootstrap", "log"),
      "instrumentation", Set.of("config", "bootstrap", "log"),
      "report", Set.of("telemetry", "config", "bootstrap", "log"),
      "runaway", Set.of("report", "telemetry", "config", "bootstrap", "log"));

  /** The agent's main classes, read from where AgentStartup was compiled to, not by scanning every jar. */
  private static final JavaClasses AGENT = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importUrl(AgentStartup.class.getProtectionDomain().getCodeSource().getLocation());

  @Test
  void agentPackagesFormNoCycle() {
    slices().matching("dev.stallwatch.(*)..").should().beFreeOfCycles().check(AGENT);
  }

  @Test
  void noPackageImportsTheLauncherPackage() {
    noClasses().that().resideOutsideOfPackage("dev.stallwatch")
        .should().dependOnClassesThat().resideInAPackage("dev.stallwatch")
        .because("the root holds the launcher and the start-up that wires everything; importing it closes a cycle")
        .check(AGENT);
  }

  @Test
  void featuresImportNoOtherFeatureExceptLocksImportingPermits() {
    for (String feature : FEATURES) {
      List<String> forbidden = new ArrayList<>();
      for (String other : FEATURES) {
        if (!other.equals(feature) && !FEATURE_IMPORTS.getOrDefault(feature, Set.of()).contains(other)) {
          forbidden.add(BASE + other + "..");
        }
      }
      noClasses().that().resideInAPackage(BASE + feature + "..")
          .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
          .because("features are independent slices; what two of them share belongs in a shared layer")
          .check(AGENT);
    }
  }

  @Test
  void sharedLayersImportNoFeature() {
    String[] layers = SHARED_LAYERS.keySet().stream().map(layer -> BASE + layer + "..").toArray(String[]::new);
    String[] features = FEATURES.stream().map(feature -> BASE + feature + "..").toArray(String[]::new);
    noClasses().that().resideInAnyPackage(layers)
        .should().dependOnClassesThat().resideInAnyPackage(features)
        .because("a shared layer that knows a feature can no longer be shared by the others")
        .check(AGENT);
  }

  @Test
  void sharedLayersImportOnlyTheLayersBelowThem() {
    SHARED_LAYERS.forEach((layer, below) -> {
      List<String> allowed = new ArrayList<>();
      allowed.add(BASE + layer + "..");
      below.forEach(lower -> allowed.add(BASE + lower + ".."));
      classes().that().resideInAPackage(BASE + layer + "..")
          .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.stallwatch..")
              .or(resideInAnyPackage(allowed.toArray(String[]::new))))
          .because("telemetry sits below report, and report below runaway (docs/architecture.md)")
          .check(AGENT);
    });
  }

  @Test
  void onlyTheRootImportsTheTestScopes() {
    noClasses().that().resideOutsideOfPackages("dev.stallwatch", BASE + "testscope..")
        .should().dependOnClassesThat().resideInAPackage(BASE + "testscope..")
        .because("the test scopes sit above the features they read (locks, permits); below them is a cycle")
        .check(AGENT);
  }

  @Test
  void bootstrapHooksDependOnTheJdkOnly() {
    classes().that().resideInAPackage(BASE + "bootstrap..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", BASE + "bootstrap..")
        .because("the hooks are defined into java.base, where only the JDK is visible")
        .check(AGENT);
  }
}
