package io.creditscorer.delivery;

import static io.creditscorer.delivery.Manifests.ofKind;
import static io.creditscorer.delivery.Manifests.only;
import static io.creditscorer.delivery.Manifests.podTemplate;
import static io.creditscorer.delivery.Manifests.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.creditscorer.monitoring.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The manifests under {@code k8s/}, rendered by {@code kubectl kustomize} as a cluster would
 * receive them: schema-valid, internally consistent, and configured as docs/OPERATIONS.md says.
 * (The checks that need the running service are in {@link DeploymentContractTest}.)
 */
class KubernetesManifestsTest {

  static final Path BASE = Path.of("k8s/base");
  static final Path DEV = Path.of("k8s/overlays/dev");
  static final Path PROD = Path.of("k8s/overlays/prod");
  static final Path ADAPTER = Path.of("k8s/prometheus-adapter");
  static final List<Path> APPLICATIONS = List.of(BASE, DEV, PROD);

  @Test
  void everyKustomizationRendersAndEveryObjectMatchesItsSchema() throws Exception {
    List<Path> all = Manifests.kustomizations();
    assertTrue(all.containsAll(List.of(BASE, DEV, PROD, ADAPTER)), all.toString());
    List<String> problems = new ArrayList<>();
    int objects = 0;
    for (Path dir : all) {
      List<JsonNode> rendered = render(dir);
      assertFalse(rendered.isEmpty(), dir + " renders nothing");
      for (JsonNode object : rendered) {
        objects++;
        String where = dir + " " + object.path("kind").asText() + "/" + name(object) + ": ";
        ManifestSchemas.problems(object).forEach(p -> problems.add(where + p));
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(objects >= 20, objects + " objects");
  }

  @Test
  void theSchemaCheckRejectsUnknownFieldsMissingFieldsAndWrongTypes() {
    ObjectNode deployment = only(render(BASE), "Deployment").deepCopy();
    ((ObjectNode) deployment.get("spec")).put("replica", 2);
    assertProblem(deployment, "replica");

    ObjectNode port = only(render(BASE), "Deployment").deepCopy();
    ((ObjectNode) port.at("/spec/template/spec/containers/0/ports/0")).put("containerPort", "8080");
    assertProblem(port, "containerPort");

    ObjectNode hpa = only(render(BASE), "HorizontalPodAutoscaler").deepCopy();
    ((ObjectNode) hpa.at("/spec/behavior/scaleUp")).put("stabilisationWindowSeconds", 0);
    assertProblem(hpa, "stabilisationWindowSeconds");

    ObjectNode monitor = only(render(BASE), "ServiceMonitor").deepCopy();
    ((ObjectNode) monitor.at("/spec/endpoints/0")).put("intervall", "15s");
    assertProblem(monitor, "intervall");

    ObjectNode rollout = only(render(PROD), "Rollout").deepCopy();
    ((ObjectNode) rollout.at("/spec/strategy/canary"))
        .set("step", rollout.at("/spec/strategy/canary/steps"));
    assertProblem(rollout, "step");

    ObjectNode template = only(render(PROD), "Rollout").deepCopy();
    ((ObjectNode) template.at("/spec/template/spec/containers/0"))
        .put("imagePullPolicie", "Always");
    assertProblem(template, "imagePullPolicie");

    ObjectNode analysis = only(render(PROD), "AnalysisTemplate").deepCopy();
    ((ObjectNode) analysis.at("/spec/metrics/0")).put("count", true);
    ((ObjectNode) analysis.at("/spec/metrics/1")).remove("provider");
    List<String> problems = ManifestSchemas.problems(analysis);
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("metrics[0].count")), problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("metrics[1].provider: required")),
        problems.toString());
  }

  @Test
  void overlaysDifferInSizeAndConfigurationAndProdReleasesByCanary() {
    List<JsonNode> dev = render(DEV);
    assertEquals("credit-scorer-dev", only(dev, "Deployment").at("/metadata/namespace").asText());
    assertEquals(1, only(dev, "Deployment").at("/spec/replicas").asInt());
    assertEquals("250m", container(dev).at("/resources/requests/cpu").asText());
    assertEquals(1, only(dev, "HorizontalPodAutoscaler").at("/spec/minReplicas").asInt());
    assertEquals("1", configMap(dev).at("/data/SCORER_REPOSITORY_WARMUP_RUNS").asText());

    List<JsonNode> prod = render(PROD);
    assertEquals(0, ofKind(prod, "Deployment").count(), "prod runs a Rollout instead");
    JsonNode rollout = only(prod, "Rollout");
    assertEquals("credit-scorer", rollout.at("/metadata/namespace").asText());
    assertEquals(3, rollout.at("/spec/replicas").asInt());
    assertEquals("1", container(prod).at("/resources/requests/cpu").asText());
    assertEquals(3, only(prod, "HorizontalPodAutoscaler").at("/spec/minReplicas").asInt());
    assertEquals("64", configMap(prod).at("/data/SCORER_HTTP_MAX_INFLIGHT").asText());
    assertEquals(2, podTemplate(prod).at("/spec/topologySpreadConstraints").size());

    JsonNode canary = rollout.at("/spec/strategy/canary");
    List<Integer> weights = new ArrayList<>();
    canary.path("steps").forEach(s -> weights.add(s.path("setWeight").asInt(-1)));
    weights.removeIf(w -> w < 0);
    assertTrue(weights.size() >= 3, weights.toString());
    for (int i = 1; i < weights.size(); i++) {
      assertTrue(weights.get(i) > weights.get(i - 1), "weights rise: " + weights);
    }
    assertTrue(weights.get(weights.size() - 1) < 100, "the last step still pauses before 100 %");
    assertEquals(0, canary.path("maxUnavailable").asInt(-1), "no capacity lost during a release");
    // Analysis runs in the background from the first pause, on the canary's pods only.
    assertEquals(1, canary.at("/analysis/startingStep").asInt());
    assertEquals(
        "Latest",
        argument(canary.at("/analysis/args"), "canary-hash")
            .at("/valueFrom/podTemplateHashValue")
            .asText());
  }

  @Test
  void referencesResolveWithinEachRendering() {
    for (Path dir : APPLICATIONS) {
      List<JsonNode> objects = render(dir);
      JsonNode template = podTemplate(objects);
      JsonNode podLabels = template.at("/metadata/labels");
      Set<String> configMaps = names(objects, "ConfigMap");
      for (JsonNode from : container(objects).path("envFrom")) {
        assertTrue(configMaps.contains(from.at("/configMapRef/name").asText()), dir + " " + from);
      }
      JsonNode service = only(objects, "Service");
      assertSubset(service.at("/spec/selector"), podLabels, dir + " Service selector");
      assertSubset(
          only(objects, "PodDisruptionBudget").at("/spec/selector/matchLabels"),
          podLabels,
          dir + " PDB");
      Set<String> containerPorts = new HashSet<>();
      container(objects).path("ports").forEach(p -> containerPorts.add(p.path("name").asText()));
      Set<String> servicePorts = new HashSet<>();
      for (JsonNode port : service.at("/spec/ports")) {
        assertTrue(containerPorts.contains(port.path("targetPort").asText()), dir + " " + port);
        servicePorts.add(port.path("name").asText());
      }
      assertEquals(Set.of("http", "grpc", "management"), servicePorts);

      JsonNode monitor = only(objects, "ServiceMonitor");
      assertSubset(
          monitor.at("/spec/selector/matchLabels"),
          service.at("/metadata/labels"),
          dir + " ServiceMonitor");
      for (JsonNode endpoint : monitor.at("/spec/endpoints")) {
        assertEquals("management", endpoint.path("port").asText(), dir + " " + endpoint);
        assertEquals("/q/metrics", endpoint.path("path").asText());
      }

      JsonNode target = only(objects, "HorizontalPodAutoscaler").at("/spec/scaleTargetRef");
      JsonNode workload = Manifests.workload(objects);
      assertEquals(workload.path("kind").asText(), target.path("kind").asText(), dir.toString());
      assertEquals(workload.path("apiVersion").asText(), target.path("apiVersion").asText());
      assertEquals(name(workload), target.path("name").asText());
    }

    List<JsonNode> prod = render(PROD);
    JsonNode analysis = only(prod, "Rollout").at("/spec/strategy/canary/analysis");
    JsonNode template = only(prod, "AnalysisTemplate");
    assertEquals(name(template), analysis.at("/templates/0/templateName").asText());
    for (JsonNode arg : template.at("/spec/args")) {
      if (!arg.has("value")) {
        assertFalse(
            argument(analysis.path("args"), arg.path("name").asText()).isMissingNode(),
            "the Rollout passes " + arg.path("name").asText());
      }
    }
  }

  @Test
  void podsRunRestrictedAndWriteOnlyToTheirVolumes() {
    for (Path dir : APPLICATIONS) {
      List<JsonNode> objects = render(dir);
      JsonNode pod = podTemplate(objects).path("spec");
      JsonNode container = container(objects);
      assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), dir.toString());
      assertTrue(pod.at("/securityContext/runAsUser").asInt() > 0);
      assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText());
      assertFalse(pod.path("automountServiceAccountToken").asBoolean(true));
      JsonNode security = container.path("securityContext");
      assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), dir.toString());
      assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true));
      assertEquals("ALL", security.at("/capabilities/drop/0").asText());
      for (String resource : List.of("requests", "limits")) {
        for (String what : List.of("cpu", "memory")) {
          assertFalse(
              container.at("/resources/" + resource + "/" + what).isMissingNode(),
              dir + " " + resource + "." + what);
        }
      }

      Set<String> mounted = new HashSet<>();
      Set<String> emptyDirs = new HashSet<>();
      Set<String> readOnly = new HashSet<>();
      pod.path("volumes")
          .forEach(
              v -> {
                if (v.has("emptyDir")) emptyDirs.add(v.path("name").asText());
                if (v.has("secret") || v.has("configMap")) readOnly.add(v.path("name").asText());
              });
      for (JsonNode mount : container.path("volumeMounts")) {
        String volume = mount.path("name").asText();
        assertTrue(
            emptyDirs.contains(volume)
                || (readOnly.contains(volume) && mount.path("readOnly").asBoolean()),
            dir + ": writes only to emptyDirs, reads Secrets and ConfigMaps read-only: " + mount);
        mounted.add(mount.path("mountPath").asText());
      }
      String audit = configMap(objects).at("/data/SCORER_AUDIT_PATH").asText();
      assertTrue(
          mounted.contains(Path.of(audit).getParent().toString()),
          dir + ": audit log " + audit + " is on a volume");
      assertTrue(mounted.contains("/tmp"), dir + ": ONNX Runtime unpacks its libraries to /tmp");
    }
  }

  @Test
  void everyOverlayAuthenticatesWithItsKeysFromASecret() {
    for (Path dir : APPLICATIONS) {
      List<JsonNode> objects = render(dir);
      JsonNode config = configMap(objects).path("data");
      assertEquals("true", config.path("SCORER_AUTH_ENABLED").asText(), dir.toString());
      Map<String, JsonNode> env = new HashMap<>();
      container(objects).path("env").forEach(e -> env.put(e.path("name").asText(), e));
      for (String secret :
          List.of(
              "MP_JWT_VERIFY_ISSUER",
              "MP_JWT_VERIFY_AUDIENCES",
              "SCORER_AUDIT_HMAC_KEY",
              "SCORER_AUDIT_HMAC_KEY_ID",
              "SCORER_CONTROL_ADMIN_KEYS")) {
        assertFalse(config.has(secret), dir + ": " + secret + " is not in the ConfigMap");
        assertFalse(
            env.getOrDefault(secret, MissingNode.getInstance())
                .at("/valueFrom/secretKeyRef/name")
                .asText()
                .isEmpty(),
            dir + ": " + secret + " comes from a Secret");
      }
      String keyFile = config.path("MP_JWT_VERIFY_PUBLICKEY_LOCATION").asText();
      boolean onASecretVolume = false;
      JsonNode pod = podTemplate(objects).path("spec");
      for (JsonNode mount : container(objects).path("volumeMounts")) {
        for (JsonNode volume : pod.path("volumes")) {
          if (volume.path("name").equals(mount.path("name"))
              && volume.has("secret")
              && keyFile.startsWith(mount.path("mountPath").asText() + "/")) {
            onASecretVolume = true;
          }
        }
      }
      assertTrue(onASecretVolume, dir + ": " + keyFile + " is on a Secret's volume");
    }
  }

  @Test
  void terminationGracePeriodCoversPreStopAndTheShutdownTimeout() throws Exception {
    java.util.Properties app = Manifests.applicationProperties();
    Duration shutdown =
        Duration.parse("PT" + app.getProperty("quarkus.shutdown.timeout").toUpperCase())
            .plus(Duration.parse("PT" + app.getProperty("quarkus.shutdown.delay").toUpperCase()));
    for (Path dir : APPLICATIONS) {
      JsonNode template = podTemplate(render(dir));
      String preStop =
          String.join(" ", texts(container(render(dir)).at("/lifecycle/preStop/exec/command")));
      Matcher sleep = Pattern.compile("sleep (\\d+)").matcher(preStop);
      assertTrue(sleep.find(), preStop);
      long needed = Long.parseLong(sleep.group(1)) + shutdown.toSeconds();
      long grace = template.at("/spec/terminationGracePeriodSeconds").asLong();
      assertTrue(
          grace > needed,
          dir
              + ": grace "
              + grace
              + " s must exceed preStop + shutdown delay and timeout "
              + needed
              + " s");
      assertTrue(
          grace <= needed + 10,
          dir + ": grace " + grace + " s leaves a terminating pod around needlessly");
    }
  }

  @Test
  void hpaScalesOnCpuAndOnTheAdaptersRequestRate() throws Exception {
    Map<String, String> adapterMetrics = adapterMetrics();
    for (Path dir : APPLICATIONS) {
      JsonNode hpa = only(render(dir), "HorizontalPodAutoscaler");
      boolean cpu = false;
      int pods = 0;
      for (JsonNode metric : hpa.at("/spec/metrics")) {
        cpu |= metric.at("/resource/name").asText().equals("cpu");
        if (metric.path("type").asText().equals("Pods")) {
          pods++;
          String name = metric.at("/pods/metric/name").asText();
          assertTrue(
              adapterMetrics.containsKey(name),
              name + " is not provided by an adapter rule: " + adapterMetrics);
        }
      }
      assertTrue(cpu && pods == 1, dir + ": CPU and one Pods metric");
      assertTrue(hpa.at("/spec/minReplicas").asInt() <= hpa.at("/spec/maxReplicas").asInt());
      assertEquals(
          0,
          hpa.at("/spec/behavior/scaleUp/stabilizationWindowSeconds").asInt(-1),
          "scale up at once");
      assertTrue(
          hpa.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt() >= 180,
          "scale down after a stable period");
    }
  }

  @Test
  void analysisAndAdapterQueriesAreValidPromQlWithTheAlertThresholds() throws Exception {
    List<String> queries = new ArrayList<>();
    JsonNode analysis = only(render(PROD), "AnalysisTemplate");
    for (JsonNode metric : analysis.at("/spec/metrics")) {
      queries.add(
          metric
              .at("/provider/prometheus/query")
              .asText()
              .replaceAll("\\{\\{args\\.[a-z-]+}}", "x"));
    }
    for (JsonNode rule : adapterRules()) {
      String series = rule.path("seriesQuery").asText().replaceAll("\\{.*", "");
      queries.add(
          rule.path("metricsQuery")
              .asText()
              .replace("<<.Series>>", series)
              .replace("<<.LabelMatchers>>", "namespace=\"n\",pod=~\"p-.*\"")
              .replace("<<.GroupBy>>", "pod"));
    }
    StringBuilder rules = new StringBuilder("groups:\n  - name: delivery-queries\n    rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      rules.append("      - record: delivery:query").append(i).append('\n');
      rules
          .append("        expr: ")
          .append(
              Manifests.YAML
                  .writeValueAsString(queries.get(i))
                  .replaceFirst("^---\\s*", "")
                  .strip())
          .append('\n');
    }
    Path file = Files.createDirectories(Path.of("target/promql")).resolve("delivery-queries.yml");
    Files.writeString(file, rules.toString());
    String out = Promtool.run(file.getParent(), "check", "rules", file.getFileName().toString());
    assertTrue(out.contains("SUCCESS: " + queries.size() + " rules found"), out);

    // The canary is held to the alerts' thresholds: error ratio 1 %, p99 50 ms.
    String alerts = Files.readString(Path.of("k8s/monitoring/alert-rules.yml"));
    Map<String, String> conditions = new HashMap<>();
    analysis
        .at("/spec/metrics")
        .forEach(m -> conditions.put(m.path("name").asText(), m.path("successCondition").asText()));
    assertTrue(
        conditions.get("error-ratio").endsWith("<= 0.01") && alerts.contains("> 0.01"),
        conditions.toString());
    assertTrue(
        conditions.get("p99-latency").endsWith("<= 0.05") && alerts.contains("> 0.05"),
        conditions.toString());
  }

  /** Adapter metric name (name.as) to the series it is computed from. */
  static Map<String, String> adapterMetrics() throws Exception {
    Map<String, String> metrics = new HashMap<>();
    for (JsonNode rule : adapterRules()) {
      String series = rule.path("seriesQuery").asText().replaceAll("\\{.*", "");
      assertTrue(series.matches(rule.at("/name/matches").asText()), rule.toString());
      metrics.put(rule.at("/name/as").asText(), series);
    }
    return metrics;
  }

  static JsonNode adapterRules() throws Exception {
    JsonNode config =
        Manifests.YAML.readTree(
            only(render(ADAPTER), "ConfigMap").at("/data/config.yaml").asText());
    Set<String> known = Set.of("seriesQuery", "seriesFilters", "resources", "name", "metricsQuery");
    for (JsonNode rule : config.path("rules")) {
      for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        assertTrue(known.contains(field), "unknown prometheus-adapter rule field " + field);
      }
    }
    assertTrue(config.path("rules").size() >= 1);
    return config.path("rules");
  }

  static JsonNode container(List<JsonNode> objects) {
    return podTemplate(objects).at("/spec/containers/0");
  }

  private static JsonNode argument(JsonNode args, String name) {
    for (JsonNode arg : args) {
      if (arg.path("name").asText().equals(name)) {
        return arg;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static Set<String> names(List<JsonNode> objects, String kind) {
    Set<String> names = new HashSet<>();
    ofKind(objects, kind).forEach(o -> names.add(name(o)));
    return names;
  }

  /** The service's configuration (environment variables), beside any mounted as files. */
  static JsonNode configMap(List<JsonNode> objects) {
    return ofKind(objects, "ConfigMap")
        .filter(c -> name(c).startsWith("credit-scorer-config"))
        .findFirst()
        .orElseThrow();
  }

  static String name(JsonNode object) {
    return object.at("/metadata/name").asText();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return texts;
  }

  private static void assertSubset(JsonNode selector, JsonNode labels, String what) {
    assertTrue(selector.size() > 0, what + " selects nothing");
    selector
        .fields()
        .forEachRemaining(
            e -> assertEquals(e.getValue(), labels.get(e.getKey()), what + " " + e.getKey()));
  }

  private static void assertProblem(JsonNode object, String field) {
    List<String> problems = ManifestSchemas.problems(object);
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(field)), field + " not reported: " + problems);
  }
}
