package io.creditscorer.delivery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every overlay's memory request and limit follow docs/CAPACITY.md, "Memory": with the heap the
 * Dockerfile's {@code JAVA_OPTS} give the JVM at that limit, the measured non-heap and native
 * memory fit with a quarter spare, and the request covers the measured peak with a quarter spare.
 */
class CapacityTest {

  static final double SPARE = 1.25;

  @Test
  void everyOverlaysMemoryFitsAFullHeapAndItsMeasuredUseWithAQuarterSpare() throws Exception {
    String capacity = Files.readString(Path.of("docs/CAPACITY.md"));
    double nonHeap = measured(capacity, "JVM non-heap");
    double outside = measured(capacity, "outside the JVM's accounting");
    double peak = measured(capacity, "peak resident");
    String javaOpts = imageEnv().get("JAVA_OPTS");
    assertTrue(javaOpts.contains("-XX:+ExitOnOutOfMemoryError"), javaOpts);
    Matcher pct = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)").matcher(javaOpts);
    assertTrue(pct.find(), "the heap is sized from the container: " + javaOpts);
    double heapShare = Double.parseDouble(pct.group(1)) / 100;
    for (Path dir : KubernetesManifestsTest.APPLICATIONS) {
      JsonNode resources =
          KubernetesManifestsTest.container(Manifests.render(dir)).path("resources");
      double limit = mebibytes(resources.at("/limits/memory").asText());
      double request = mebibytes(resources.at("/requests/memory").asText());
      double worst = heapShare * limit + nonHeap + outside;
      assertTrue(
          limit >= SPARE * worst,
          dir + ": limit " + limit + " MiB, a full heap and the rest need " + worst + " MiB");
      assertTrue(
          request >= SPARE * peak,
          dir + ": request " + request + " MiB, the measured peak is " + peak + " MiB");
    }
  }

  /**
   * Native memory the process frees goes back to the system (docs/CAPACITY.md, "A 512 MiB
   * container"): the JVM trims glibc's heap periodically and glibc keeps few arenas, so freed peaks
   * (the JIT compilers', ONNX Runtime's) do not stay resident in one arena per thread.
   */
  @Test
  void theImageReturnsFreedNativeMemory() throws Exception {
    Map<String, String> env = imageEnv();
    Matcher trim =
        Pattern.compile("-XX:TrimNativeHeapInterval=(\\d+)").matcher(env.get("JAVA_OPTS"));
    assertTrue(trim.find() && Long.parseLong(trim.group(1)) > 0, env.get("JAVA_OPTS"));
    String arenas = env.get("MALLOC_ARENA_MAX");
    assertTrue(arenas != null && arenas.matches("[1-9][0-9]*"), "MALLOC_ARENA_MAX: " + arenas);
  }

  /** The runtime stage's (the Dockerfile's last stage's) environment. */
  static Map<String, String> imageEnv() throws Exception {
    return DockerfileTest.parse(Path.of("Dockerfile")).stream()
        .reduce((a, b) -> b)
        .orElseThrow()
        .env();
  }

  /** A figure of the memory table ({@code | label ... | MiB |}). */
  static double measured(String capacity, String label) {
    Matcher m =
        Pattern.compile("\\| " + Pattern.quote(label) + "[^|]*\\| +([0-9,]+) \\|")
            .matcher(capacity);
    assertTrue(m.find(), "docs/CAPACITY.md measures " + label);
    return Double.parseDouble(m.group(1).replace(",", ""));
  }

  static double mebibytes(String quantity) {
    Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
    assertTrue(m.matches(), "a memory quantity in Mi or Gi: " + quantity);
    return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
  }
}
