package io.creditscorer.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestRepositoryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
    return Promtool.run(RULES.getParent(), args);
  }

  @Test
  void rulesAreValidAndTheirUnitTestsPass() throws Exception {
    assertTrue(promtool("check", "rules", "alert-rules.yml").contains("SUCCESS: 20 rules found"));
    assertTrue(promtool("test", "rules", "alert-rules.test.yml").contains("SUCCESS"));
  }

  @Test
  void everyAlertHasARunbookSection() throws Exception {
    Set<String> anchors = new TreeSet<>();
    for (String line : Files.readAllLines(Path.of("docs/RUNBOOK.md"))) {
      if (line.startsWith("## ")) {
        // GitHub's anchor of a heading: lower case, spaces to dashes, punctuation dropped.
        anchors.add(
            line.substring(3).strip().toLowerCase().replace(' ', '-').replaceAll("[^a-z0-9-]", ""));
      }
    }
    Matcher alerts =
        Pattern.compile(
                "- alert: (\\S+)\\n(?:(?!- alert:)[\\s\\S])*?runbook_url: \"docs/RUNBOOK\\.md#([^\"]+)\"")
            .matcher(Files.readString(RULES));
    Set<String> named = new TreeSet<>();
    while (alerts.find()) {
      assertEquals(alerts.group(1).toLowerCase(), alerts.group(2), "the anchor names the alert");
      assertTrue(anchors.contains(alerts.group(2)), "docs/RUNBOOK.md has " + alerts.group(2));
      named.add(alerts.group(1));
    }
    assertEquals(alertNames(), named, "every alert has a runbook_url");
  }

  static Set<String> alertNames() throws Exception {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("- alert: (\\S+)").matcher(Files.readString(RULES));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
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
    Set<String> variables = new TreeSet<>();
    dashboard.at("/templating/list").forEach(v -> variables.add(v.path("name").asText()));
    assertTrue(
        variables.containsAll(Set.of("namespace", "pod", "model", "version")),
        variables.toString());
    for (com.fasterxml.jackson.databind.JsonNode panel : dashboard.get("panels")) {
      assertTrue(panel.get("targets").size() >= 1, panel.get("title").asText());
      for (com.fasterxml.jackson.databind.JsonNode target : panel.get("targets")) {
        Matcher selector =
            Pattern.compile("\\b(?:scorer|jvm|process|container)_[a-z_]+\\{([^}]*)\\}")
                .matcher(target.get("expr").asText());
        while (selector.find()) {
          assertTrue(
              selector.group(1).contains("namespace=~\"$namespace\"")
                  && selector.group(1).contains("pod=~\"$pod\""),
              panel.get("title").asText() + ": every series is narrowed to the chosen pods");
        }
      }
    }
    // Shipped as a ConfigMap for Grafana's dashboard sidecar, holding this very file.
    com.fasterxml.jackson.databind.JsonNode configMap =
        new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(
                new ProcessBuilder("kubectl", "kustomize", "k8s/monitoring")
                    .start()
                    .getInputStream());
    assertEquals("1", configMap.at("/metadata/labels/grafana_dashboard").asText());
    assertEquals(
        Files.readString(DASHBOARD), configMap.at("/data/grafana-dashboard.json").asText());
  }
}
