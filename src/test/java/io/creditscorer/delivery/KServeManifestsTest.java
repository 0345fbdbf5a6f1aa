package io.creditscorer.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/kserve} rendered by kustomize (its schemas are checked with every other
 * kustomization's by {@link KubernetesManifestsTest}) and held to the service: the runtime serves
 * ONNX over the Open Inference Protocol on the service's own ports and probes, reads the repository
 * KServe downloads, and the InferenceService names a model of that layout and this runtime.
 */
class KServeManifestsTest {

  static final Path KSERVE = Path.of("k8s/kserve");

  @Test
  void theRuntimeServesTheInferenceServicesModelOnTheServicesPortsAndProbes() throws Exception {
    List<JsonNode> objects = Manifests.render(KSERVE);
    JsonNode runtime = Manifests.only(objects, "ServingRuntime");
    JsonNode service = Manifests.only(objects, "InferenceService");
    Properties app = Manifests.applicationProperties();
    JsonNode spec = runtime.path("spec");

    List<String> formats = new ArrayList<>();
    spec.path("supportedModelFormats").forEach(f -> formats.add(f.path("name").asText()));
    assertTrue(formats.contains("onnx"), formats.toString());
    List<String> protocols = new ArrayList<>();
    spec.path("protocolVersions").forEach(p -> protocols.add(p.asText()));
    assertEquals(List.of("v2", "grpc-v2"), protocols);

    JsonNode container = spec.path("containers").get(0);
    assertEquals("kserve-container", container.path("name").asText(), "the name KServe looks for");
    assertEquals(
        app.getProperty("quarkus.http.port"), container.at("/ports/0/containerPort").asText());
    for (String[] probe : new String[][] {{"readinessProbe", "ready"}, {"livenessProbe", "live"}}) {
      JsonNode get = container.path(probe[0]).path("httpGet");
      assertEquals("/q/health/" + probe[1], get.path("path").asText(), probe[0]);
      assertEquals(app.getProperty("quarkus.management.port"), get.path("port").asText(), probe[0]);
    }
    assertEquals("/mnt/models", env(container, "SCORER_REPOSITORY_PATH"), "where KServe downloads");
    assertEquals("true", env(container, "SCORER_AUTH_ENABLED"));
    assertEquals("true", container.at("/securityContext/readOnlyRootFilesystem").asText());

    JsonNode model = service.at("/spec/predictor/model");
    assertEquals(runtime.at("/metadata/name").asText(), model.path("runtime").asText());
    assertTrue(formats.contains(model.at("/modelFormat/name").asText()));
    assertTrue(model.path("storageUri").asText().contains("://"), "a storage URI");
    // The InferenceService's name is the model's: this repository layout serves it by that name.
    String name = service.at("/metadata/name").asText();
    assertTrue(
        Files.isRegularFile(Path.of("models", name, "1", "model.onnx")),
        "models/" + name + " is a model of the repository layout");
  }

  private static String env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(name)) {
        return e.path("value").asText();
      }
    }
    return null;
  }
}
