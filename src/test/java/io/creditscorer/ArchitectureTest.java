package io.creditscorer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/ARCHITECTURE.md ("Who may import whom"), checked on the compiled
 * service. The table below and the one in that document say the same; change both together.
 */
class ArchitectureTest {

  static final String ROOT = "io.creditscorer";

  /** Each package (with its subpackages) and the service packages it may import. */
  static final Map<String, Set<String>> MAY_IMPORT =
      Map.ofEntries(
          Map.entry("base", Set.of()),
          Map.entry("error", Set.of()),
          Map.entry("journal", Set.of("base", "error")),
          Map.entry("inference", Set.of("base", "error")),
          Map.entry("routing", Set.of("base", "error")),
          Map.entry("control", Set.of("base", "error")),
          Map.entry("security", Set.of("base", "error", "control")),
          Map.entry("features", Set.of("base", "error", "inference")),
          Map.entry("decision", Set.of("base", "error", "features")),
          Map.entry("repository", Set.of("base", "error", "inference", "features", "decision")),
          Map.entry(
              "spi", Set.of("base", "error", "inference", "features", "decision", "repository")),
          Map.entry(
              "batching", Set.of("base", "error", "inference", "spi", "repository", "journal")),
          Map.entry(
              "monitoring",
              Set.of(
                  "base",
                  "error",
                  "inference",
                  "journal",
                  "spi",
                  "repository",
                  "features",
                  "decision",
                  "routing")),
          Map.entry(
              "feedback",
              Set.of("base", "error", "inference", "journal", "spi", "repository", "decision")),
          Map.entry(
              "scoring",
              Set.of(
                  "base",
                  "error",
                  "inference",
                  "spi",
                  "repository",
                  "features",
                  "decision",
                  "routing")),
          Map.entry("api", Set.of("base", "error")),
          Map.entry("api.rest", doors()),
          Map.entry("api.grpc", doors()),
          Map.entry("app", Set.of("*")));

  /**
   * The doors: the engine and what it hands back (results, decisions, errors, tensors), and the
   * capabilities a door exposes itself (outcome feedback, the model-control API).
   */
  private static Set<String> doors() {
    return Set.of(
        "api",
        "scoring",
        "decision",
        "spi",
        "error",
        "base",
        "inference",
        "feedback",
        "repository",
        "routing",
        "control",
        "security");
  }

  static final JavaClasses SERVICE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  @Test
  void everyPackageImportsOnlyWhatTheTableAllows() {
    Set<String> violations = new TreeSet<>();
    for (JavaClass c : SERVICE) {
      String from = layerOf(c.getPackageName());
      Set<String> allowed = MAY_IMPORT.get(from);
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String pkg = d.getTargetClass().getPackageName();
        if (!pkg.startsWith(ROOT + ".")) {
          continue;
        }
        String to = layerOf(pkg);
        if (!to.equals(from) && !allowed.contains("*") && !allowed.contains(to)) {
          violations.add(from + " -> " + to + ": " + c.getName() + " uses " + d.getTargetClass());
        }
      }
    }
    assertEquals(List.of(), new ArrayList<>(violations));
  }

  @Test
  void everyPackageIsInTheTable() {
    Set<String> unknown = new TreeSet<>();
    for (JavaClass c : SERVICE) {
      if (c.getPackageName().startsWith(ROOT + ".")) {
        String layer = layerOf(c.getPackageName());
        if (!MAY_IMPORT.containsKey(layer)) {
          unknown.add(layer);
        }
      }
    }
    assertEquals(Set.of(), unknown);
  }

  @Test
  void packagesFormNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(SERVICE);
  }

  @Test
  void onlyInferenceTouchesOnnxRuntime() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".inference..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.onnxruntime..")
        .check(SERVICE);
  }

  @Test
  void theEngineAndItsCapabilitiesKnowNoTransport() {
    noClasses()
        .that()
        .resideOutsideOfPackages(ROOT + ".api..", ROOT + ".app..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta.ws.rs..", "io.grpc..", "io.vertx.ext.web..")
        .check(SERVICE);
  }

  /**
   * Classes above {@link #MAX_LINES} lines, each with the reason it is one cohesive thing (its
   * class comment says the same).
   */
  static final Map<String, String> LARGE_CLASSES =
      Map.of(
          "DecisionRing",
          "the columns, the id bytes and both indexes change together on every add and eviction,"
              + " under one invariant");

  static final int MAX_LINES = 450;

  @Test
  void noClassIsLargerThanTheLimitUnlessListed() throws IOException {
    Map<String, Long> tooLarge = new TreeMap<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        long lines;
        try (Stream<String> l = Files.lines(file)) {
          lines = l.count();
        }
        String name = file.getFileName().toString().replace(".java", "");
        if (lines > MAX_LINES && !LARGE_CLASSES.containsKey(name)) {
          tooLarge.put(name, lines);
        }
      }
    }
    assertEquals(Map.of(), tooLarge);
  }

  /** The longest table entry that is the package or one of its parents; else the package. */
  static String layerOf(String pkg) {
    String rest = pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
    String best = null;
    for (String layer : MAY_IMPORT.keySet()) {
      boolean covers = rest.equals(layer) || rest.startsWith(layer + ".");
      if (covers && (best == null || layer.length() > best.length())) {
        best = layer;
      }
    }
    return best == null ? rest : best;
  }
}
