package io.creditscorer.monitoring;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.Management;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the running service exports at {@code /q/metrics}, for the tests that check that alerts,
 * dashboards, autoscaling rules and canary analysis name real metrics. Needs a running
 * {@code @QuarkusTest} application.
 */
public final class ExportedMetrics {

  private static final Pattern SCORER_METRIC = Pattern.compile("\\b(scorer_[a-z_]+)");

  private ExportedMetrics() {}

  /** Every {@code scorer_*} name the text mentions. */
  public static Set<String> scorerNames(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = SCORER_METRIC.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * The metrics page after one credit decision, also compared by a shadow version, with a fallback
   * configured (lazily registered meters exist then), once the drift, feedback and shadow threads
   * have taken it.
   */
  public static String scrape() throws InterruptedException {
    String requestId = "exported-metrics-" + java.util.UUID.randomUUID();
    // with version 1 as a shadow for this one request, so the shadow meters exist too, and as the
    // fallback of version 2, whose counter is exported from zero once configured
    routing(Map.of("stable", "2", "shadow", "1", "shadow_percent", 100, "fallback", "1"));
    try {
      given()
          .contentType("application/json")
          .body(
              Map.of(
                  "request_id",
                  requestId,
                  "applicants",
                  List.of(io.creditscorer.api.rest.CreditApiTest.applicant())))
          .post("/v1/credit/score")
          .then()
          .statusCode(200);
    } finally {
      routing(Map.of());
    }
    // Group labels for the decision, so its version's fairness gauges exist.
    await("the decision is stored and labelled")
        .until(
            () ->
                given()
                    .contentType("application/json")
                    .body(
                        Map.of(
                            "attributes",
                            List.of(
                                Map.of("request_id", requestId, "groups", Map.of("sex", "male")))))
                    .post("/v1/credit/monitoring-attributes")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("results[0].result"),
            "accepted"::equals);
    // The background threads register their gauges after their first observation.
    return await("drift, outcome and shadow meters are exported")
        .until(
            () -> Management.given().get("/q/metrics").then().statusCode(200).extract().asString(),
            m ->
                m.contains("scorer_drift_psi{")
                    && m.contains("scorer_outcome_auc{")
                    && m.contains("scorer_shadow_comparisons_total{")
                    && m.contains("scorer_fairness_approval_rate{"));
  }

  private static void routing(Map<String, Object> policy) {
    given()
        .header("Authorization", "Bearer " + io.creditscorer.TestRepositoryResource.ADMIN_KEY)
        .contentType("application/json")
        .body(policy)
        .put("/v2/repository/models/credit-risk/routing")
        .then()
        .statusCode(200);
  }

  /** Fails naming the first of {@code names} that the metrics page does not export. */
  public static void assertExported(Set<String> names, String metrics, String usedBy) {
    for (String name : names) {
      assertTrue(metrics.contains("\n" + name), name + " (used by " + usedBy + ") is not exported");
    }
  }
}
