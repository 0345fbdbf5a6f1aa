package io.creditscorer.monitoring;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestRepositoryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules are valid and their unit tests pass ({@code promtool}, from the {@code
 * prometheus} package), the PrometheusRule carries the same rules, and every metric they use is
 * exported.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class AlertRulesTest {

  static final Path RULES = Path.of("k8s/monitoring/alert-rules.yml");
  static final Path DASHBOARD = Path.of("k8s/monitoring/grafana-dashboard.json");

  static String promtool(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .directory(RULES.getParent().toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is not on PATH; install it with: apt-get install -y prometheus", e);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool finished");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void rulesAreValidAndTheirUnitTestsPass() throws Exception {
    assertTrue(promtool("check", "rules", "alert-rules.yml").contains("SUCCESS: 9 rules found"));
    assertTrue(promtool("test", "rules", "alert-rules.test.yml").contains("SUCCESS"));
  }

  @Test
  void thePrometheusRuleCarriesTheSameRules() throws Exception {
    String rule = Files.readString(Path.of("k8s/base/prometheusrule.yaml"));
    String spec = rule.substring(rule.indexOf("\nspec:\n") + "\nspec:\n".length());
    StringBuilder unindented = new StringBuilder();
    spec.lines()
        .forEach(l -> unindented.append(l.startsWith("  ") ? l.substring(2) : l).append('\n'));
    assertEquals(Files.readString(RULES), unindented.toString());
  }

  @Test
  void everyMetricTheRulesUseIsExported() throws Exception {
    // Traffic first, so that lazily registered meters exist.
    given()
        .contentType("application/json")
        .body(Map.of("applicants", List.of(io.creditscorer.api.rest.CreditApiTest.applicant())))
        .post("/v1/credit/score")
        .then()
        .statusCode(200);
    TreeSet<String> used = new TreeSet<>();
    for (Path file : List.of(RULES, DASHBOARD)) {
      Matcher m = Pattern.compile("\\b(scorer_[a-z_]+)").matcher(Files.readString(file));
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    String metrics = "";
    for (int attempt = 0; attempt < 100; attempt++) {
      metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
      if (metrics.contains("scorer_drift_psi{") && metrics.contains("scorer_outcome_auc{")) {
        break;
      }
      // Drift and outcome gauges appear once their background threads have taken a decision.
      Thread.sleep(50);
    }
    for (String name : used) {
      assertTrue(metrics.contains("\n" + name), name + " is not exported");
    }
    assertTrue(used.size() >= 12, used.toString());
  }

  @Test
  void theDashboardIsValidJsonWithAPanelPerConcern() throws Exception {
    com.fasterxml.jackson.databind.JsonNode dashboard =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(DASHBOARD.toFile());
    assertEquals("credit-scorer", dashboard.get("uid").asText());
    assertTrue(dashboard.get("panels").size() >= 10);
    for (com.fasterxml.jackson.databind.JsonNode panel : dashboard.get("panels")) {
      assertTrue(panel.get("targets").size() >= 1, panel.get("title").asText());
    }
  }
}
