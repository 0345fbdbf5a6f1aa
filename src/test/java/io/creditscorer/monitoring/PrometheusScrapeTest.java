package io.creditscorer.monitoring;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.PrometheusServer;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.api.rest.CreditApiTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (the {@code prometheus} binary on PATH, on a free port, in a temp dir) scrapes
 * the running service; after traffic its HTTP API answers a p99 from the latency histogram and a
 * drift gauge with real values.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class PrometheusScrapeTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  PrometheusServer prometheus;

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  @Test
  void prometheusScrapesLatencyAndDrift() throws Exception {
    prometheus =
        PrometheusServer.start(
            dir,
            PrometheusServer.job(
                "credit-scorer", "127.0.0.1:" + io.creditscorer.Management.port()));
    // 150 applicants fill the drift windows past their minimum; a few more requests for latency.
    List<Map<String, Object>> applicants = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      applicants.add(CreditApiTest.applicant());
    }
    Runnable traffic =
        () ->
            given()
                .contentType("application/json")
                .body(Map.of("applicants", applicants))
                .post("/v1/credit/score")
                .then()
                .statusCode(200);
    String base = prometheus.base();
    // A rate needs the counters to grow between scrapes, so traffic goes on while we ask.
    double p99 =
        await(
            base,
            "histogram_quantile(0.99, sum by (le) (rate(scorer_requests_seconds_bucket{api=\"credit\",outcome=\"ok\"}[1m])))",
            traffic);
    assertTrue(p99 > 0 && p99 < 5, "p99 " + p99 + " s");
    double psi =
        await(base, "max(scorer_drift_psi{feature=\"credit_amount\",version=\"2\"})", traffic);
    assertTrue(psi >= 0, "PSI " + psi);
  }

  /** Polls an instant query until it returns a finite number (Prometheus needs a few scrapes). */
  static double await(String base, String query, Runnable traffic) throws Exception {
    String url = base + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    String[] last = {""};
    return Awaitility.await("a value for " + query)
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              traffic.run();
              try {
                HttpResponse<String> r =
                    HTTP.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last[0] = r.body();
                JsonNode result = JSON.readTree(last[0]).path("data").path("result");
                return result.size() > 0
                    ? Double.parseDouble(result.get(0).path("value").get(1).asText())
                    : Double.NaN;
              } catch (IOException e) {
                last[0] = e.toString(); // not listening yet
                return Double.NaN;
              }
            },
            Double::isFinite);
  }
}
