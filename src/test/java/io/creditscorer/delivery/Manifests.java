package io.creditscorer.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Kubernetes manifests as a cluster would receive them: every kustomization under {@code k8s/}
 * rendered by {@code kubectl kustomize} (kustomize is built into kubectl), parsed into objects.
 */
final class Manifests {

  static final Path K8S = Path.of("k8s");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<Path, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

  private Manifests() {}

  /** Every directory under k8s/ with a kustomization.yaml: the base, the overlays, the adapter. */
  static List<Path> kustomizations() throws IOException {
    try (Stream<Path> files = Files.walk(K8S)) {
      return files
          .filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
          .map(Path::getParent)
          .sorted()
          .toList();
    }
  }

  /** The objects {@code kubectl kustomize dir} prints (rendered once per test run). */
  static List<JsonNode> render(Path dir) {
    return RENDERED.computeIfAbsent(dir.normalize(), Manifests::kustomize);
  }

  static Stream<JsonNode> ofKind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind));
  }

  /** The one object of this kind in the rendering; fails if there is none or more than one. */
  static JsonNode only(List<JsonNode> objects, String kind) {
    List<JsonNode> found = ofKind(objects, kind).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  /** The one workload: a Deployment, or the Rollout that replaces it in the prod overlay. */
  static JsonNode workload(List<JsonNode> objects) {
    List<JsonNode> workloads =
        objects.stream()
            .filter(o -> List.of("Deployment", "Rollout").contains(o.path("kind").asText()))
            .toList();
    if (workloads.size() != 1) {
      throw new AssertionError("expected one workload, found " + workloads.size());
    }
    return workloads.get(0);
  }

  static JsonNode podTemplate(List<JsonNode> objects) {
    return workload(objects).path("spec").path("template");
  }

  /** The service's own configuration file, as shipped. */
  static Properties applicationProperties() throws IOException {
    Properties properties = new Properties();
    try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
      properties.load(in);
    }
    return properties;
  }

  private static List<JsonNode> kustomize(Path dir) {
    try {
      File errors = File.createTempFile("kustomize", ".err");
      errors.deleteOnExit();
      Process p;
      try {
        p =
            new ProcessBuilder("kubectl", "kustomize", dir.toString())
                .redirectError(errors)
                .start();
      } catch (IOException e) {
        throw new AssertionError(
            "kubectl is not on PATH: the manifests are rendered and checked with `kubectl kustomize`."
                + " Install the kubectl client (it includes kustomize; Debian's kubernetes-client"
                + " package is too old), see docs/OPERATIONS.md",
            e);
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "kubectl kustomize " + dir + " failed: " + Files.readString(errors.toPath()));
      }
      List<JsonNode> objects = new ArrayList<>();
      try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc != null && !doc.isEmpty()) {
            objects.add(doc);
          }
        }
      }
      return List.copyOf(objects);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
