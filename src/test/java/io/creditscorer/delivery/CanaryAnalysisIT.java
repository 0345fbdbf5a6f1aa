package io.creditscorer.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.PackagedService;
import io.creditscorer.PrometheusServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prod overlay's canary analysis against a real Prometheus: two packaged services, a healthy
 * canary and a broken one (its feature store points at a Redis that is not there, so applicants
 * sent by id get 503), are scraped with the labels the ServiceMonitor and the pods give their
 * series; under traffic every metric of the rendered AnalysisTemplate is queried through
 * Prometheus' HTTP API with its arguments substituted and judged by its conditions as Argo Rollouts
 * judges them ({@link ArgoCondition}). The healthy canary passes every metric, the broken one fails
 * the error ratio; the prometheus-adapter rule gives the HPA a request rate per pod.
 */
class CanaryAnalysisIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String NAMESPACE = "credit-scorer";

  @TempDir Path dir;

  @Test
  void theAnalysisPassesAHealthyCanaryAndFailsABrokenOne() throws Exception {
    List<JsonNode> prod = Manifests.render(KubernetesManifestsTest.PROD);
    JsonNode template = Manifests.only(prod, "AnalysisTemplate");
    try (PackagedService healthy = new PackagedService(dir.resolve("healthy"), List.of()).start();
        PackagedService broken =
            new PackagedService(
                    dir.resolve("broken"),
                    List.of(
                        "-Dscorer.features.store=redis",
                        "-Dscorer.features.redis.url=redis://127.0.0.1:"
                            + PackagedService.freePort()))
                .start()) {
      Map<String, PackagedService> canaries = Map.of("healthy", healthy, "broken", broken);
      for (int i = 0; i < 2_000; i++) { // JIT warm-up, before Prometheus starts counting
        score(healthy);
      }
      ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
      traffic.scheduleAtFixedRate(
          () -> canaries.values().forEach(CanaryAnalysisIT::score), 0, 10, TimeUnit.MILLISECONDS);
      try (PrometheusServer prometheus = PrometheusServer.start(dir, scrapeConfigs(canaries))) {
        String base = prometheus.base();
        Map<String, Boolean> healthyVerdicts = judge(base, template, "healthy");
        healthyVerdicts.forEach((metric, ok) -> assertTrue(ok, "healthy canary: " + metric));
        Map<String, Boolean> brokenVerdicts = judge(base, template, "broken");
        assertFalse(brokenVerdicts.get("error-ratio"), "broken canary: error-ratio");

        String rule =
            Manifests.YAML
                .readTree(
                    Manifests.only(Manifests.render(Path.of("k8s/prometheus-adapter")), "ConfigMap")
                        .at("/data/config.yaml")
                        .asText())
                .at("/rules/0/metricsQuery")
                .asText()
                .replace("<<.Series>>", "scorer_requests_seconds_count")
                .replace(
                    "<<.LabelMatchers>>",
                    "namespace=\"" + NAMESPACE + "\",pod=~\"credit-scorer-(healthy|broken)\"")
                .replace("<<.GroupBy>>", "pod");
        JsonNode perPod =
            Awaitility.await("a request rate per pod")
                .atMost(Duration.ofMinutes(1))
                .until(() -> query(base, rule), r -> r.size() == 2);
        for (JsonNode series : perPod) {
          assertTrue(
              Double.parseDouble(series.at("/value/1").asText()) > 0, "per-pod rate: " + series);
        }
      } finally {
        traffic.shutdownNow();
      }
    }
  }

  /** A job per service, with the labels a pod of that template hash has. */
  static String scrapeConfigs(Map<String, PackagedService> canaries) {
    StringBuilder config = new StringBuilder();
    canaries.forEach(
        (hash, service) ->
            config.append(
                """
                  - job_name: credit-scorer-%1$s
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ["%2$s"]
                        labels:
                          namespace: %3$s
                          pod: credit-scorer-%1$s
                          rollouts_pod_template_hash: %1$s
                """
                    .formatted(hash, service.uri("/q/metrics").getAuthority(), NAMESPACE)));
    return config.toString();
  }

  /**
   * Each metric of the template for the canary of {@code hash}: its query, once Prometheus has a
   * result for every metric that can have one, judged by its success and failure conditions.
   */
  static Map<String, Boolean> judge(String base, JsonNode template, String hash) {
    Map<String, String> args = new HashMap<>();
    for (JsonNode arg : template.at("/spec/args")) {
      args.put(arg.path("name").asText(), arg.path("value").asText());
    }
    args.put("canary-hash", hash);
    args.put("namespace", NAMESPACE);
    Map<String, Boolean> verdicts = new HashMap<>();
    for (JsonNode metric : template.at("/spec/metrics")) {
      String query = metric.at("/provider/prometheus/query").asText();
      for (Map.Entry<String, String> a : args.entrySet()) {
        query = query.replace("{{args." + a.getKey() + "}}", a.getValue());
      }
      assertFalse(query.contains("{{"), "every argument substituted: " + query);
      String q = query;
      // A rate needs two scrapes: wait for a value, or, for a query that cannot have one (the
      // latency of successful requests of a canary with none), for a while of traffic.
      JsonNode result =
          Awaitility.await(hash + ": " + metric.path("name").asText())
              .atMost(Duration.ofMinutes(1))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> query(base, q), r -> r.size() > 0 || scrapes(base, hash) >= 10);
      List<Double> values = new ArrayList<>();
      result.forEach(r -> values.add(Double.parseDouble(r.at("/value/1").asText())));
      boolean ok = ArgoCondition.holds(metric.path("successCondition").asText("true"), values);
      if (metric.has("failureCondition")) {
        ok &= !ArgoCondition.holds(metric.path("failureCondition").asText(), values);
      }
      verdicts.put(metric.path("name").asText(), ok);
    }
    assertEquals(template.at("/spec/metrics").size(), verdicts.size());
    return verdicts;
  }

  /** Scrapes of the canary's pod so far. */
  static int scrapes(String base, String hash) {
    JsonNode r =
        query(base, "count_over_time(up{rollouts_pod_template_hash=\"" + hash + "\"}[5m])");
    return r.size() == 0 ? 0 : (int) Double.parseDouble(r.at("/0/value/1").asText());
  }

  /** An instant query's result vector; empty while Prometheus is not answering yet. */
  static JsonNode query(String base, String promql) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          base
                              + "/api/v1/query?query="
                              + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      assertEquals("success", body.path("status").asText(), promql + ": " + r.body());
      return body.at("/data/result");
    } catch (IOException notYet) {
      return JSON.createArrayNode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One applicant by id alone: the feature store completes it. */
  static void score(PackagedService service) {
    try {
      HTTP.send(
          HttpRequest.newBuilder(service.uri("/v1/credit/score"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"applicants\":[{\"applicant_id\":\"A0042\"}]}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // the service is stopping
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
