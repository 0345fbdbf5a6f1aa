package io.creditscorer.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestRepositoryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
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
    return Promtool.run(RULES.getParent(), args);
  }

  @Test
  void rulesAreValidAndTheirUnitTestsPass() throws Exception {
    assertTrue(promtool("check", "rules", "alert-rules.yml").contains("SUCCESS: 14 rules found"));
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
    TreeSet<String> used = new TreeSet<>();
    for (Path file : List.of(RULES, DASHBOARD)) {
      used.addAll(ExportedMetrics.scorerNames(Files.readString(file)));
    }
    ExportedMetrics.assertExported(used, ExportedMetrics.scrape(), "alerts or dashboard");
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
