package io.creditscorer.delivery;

import static io.creditscorer.delivery.KubernetesManifestsTest.APPLICATIONS;
import static io.creditscorer.delivery.KubernetesManifestsTest.PROD;
import static io.creditscorer.delivery.KubernetesManifestsTest.container;
import static io.creditscorer.delivery.Manifests.only;
import static io.creditscorer.delivery.Manifests.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.monitoring.ExportedMetrics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What the manifests expect of the application, asked of the running application: the probe paths
 * answer, the ports are the configured ones, the metrics that autoscaling and canary analysis query
 * are exported.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class DeploymentContractTest {

  @Test
  void everyProbeAnswersOnThePortItNames() throws Exception {
    Properties config = Manifests.applicationProperties();
    int management = Integer.parseInt(config.getProperty("quarkus.management.port"));
    for (Path dir : APPLICATIONS) {
      JsonNode container = container(render(dir));
      Map<String, Integer> ports = new HashMap<>();
      container
          .path("ports")
          .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
      Set<String> paths = new TreeSet<>();
      for (String probe : new String[] {"startupProbe", "readinessProbe", "livenessProbe"}) {
        JsonNode get = container.at("/" + probe + "/httpGet");
        assertEquals(management, ports.get(get.path("port").asText()), dir + " " + probe + " port");
        String path = get.path("path").asText();
        io.creditscorer.Management.given().get(path).then().statusCode(200);
        paths.add(path);
      }
      assertEquals(Set.of("/q/health/started", "/q/health/ready", "/q/health/live"), paths);
    }
  }

  @Test
  void containerAndServicePortsAreTheConfiguredOnes() throws Exception {
    Properties config = Manifests.applicationProperties();
    Map<String, Integer> expected =
        Map.of(
            "http", Integer.parseInt(config.getProperty("quarkus.http.port")),
            "grpc", Integer.parseInt(config.getProperty("quarkus.grpc.server.port")),
            "management", Integer.parseInt(config.getProperty("quarkus.management.port")));
    for (Path dir : APPLICATIONS) {
      Map<String, Integer> container = new HashMap<>();
      container(render(dir))
          .path("ports")
          .forEach(p -> container.put(p.path("name").asText(), p.path("containerPort").asInt()));
      Map<String, Integer> service = new HashMap<>();
      only(render(dir), "Service")
          .at("/spec/ports")
          .forEach(p -> service.put(p.path("name").asText(), p.path("port").asInt()));
      assertEquals(expected, service, dir.toString());
      // With TLS (a mounted properties file turning plain HTTP off) the http port serves HTTPS.
      Map<String, Integer> serving = new HashMap<>(expected);
      for (JsonNode c : Manifests.ofKind(render(dir), "ConfigMap").toList()) {
        for (JsonNode file : c.path("data")) {
          Properties p = new Properties();
          p.load(new java.io.StringReader(file.asText()));
          if ("disabled".equals(p.getProperty("quarkus.http.insecure-requests"))) {
            serving.put("http", Integer.parseInt(p.getProperty("quarkus.http.ssl-port")));
          }
        }
      }
      assertEquals(serving, container, dir.toString());
    }
  }

  @Test
  void everyMetricTheAutoscalerAndTheCanaryAnalysisUseIsExported() throws Exception {
    Set<String> used = new TreeSet<>();
    used.addAll(
        KubernetesManifestsTest.adapterMetrics().values()); // what the HPA's metric is made of
    for (JsonNode rule : KubernetesManifestsTest.adapterRules()) {
      used.addAll(ExportedMetrics.scorerNames(rule.toString()));
    }
    used.remove("scorer_requests_per_second"); // the adapter's output, not a series
    used.addAll(ExportedMetrics.scorerNames(only(render(PROD), "AnalysisTemplate").toString()));
    assertTrue(
        used.containsAll(Set.of("scorer_requests_seconds_count", "scorer_requests_seconds_bucket")),
        used.toString());
    String metrics = ExportedMetrics.scrape();
    ExportedMetrics.assertExported(used, metrics, "the HPA's adapter rule or the canary analysis");
    // The labels the analysis selects by exist on the series (namespace and the pod template hash
    // are added by Prometheus from the target).
    assertTrue(metrics.contains("scorer_requests_seconds_count{"), metrics);
    assertTrue(metrics.matches("(?s).*scorer_requests_seconds_bucket\\{[^}]*outcome=\"ok\".*"));
  }
}
