package io.creditscorer.golden;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.creditscorer.Management;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.config.SmallRyeConfig;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The service's observable behaviour, recorded once and compared on every build: the answers to the
 * 1,000 German Credit applicants on the credit API and on the Open Inference Protocol (each shipped
 * version), the audit lines they write (without their times), the exported metric names and the
 * {@code scorer.*} configuration keys with their values. A restructuring must leave all of it the
 * same.
 *
 * <p>Text is compared exactly. Numbers that ONNX Runtime computes may differ in their last bits
 * from one CPU to another (its kernels are chosen per instruction set), so a line that differs is
 * parsed and its numbers are held to {@value #TOLERANCE}; everything else in it must be identical.
 * Run with {@code -Dgolden.record=true} to write the corpus anew (then review the diff).
 */
@QuarkusTest
@TestProfile(GoldenCorpusTest.Profile.class)
class GoldenCorpusTest {

  static final double TOLERANCE = 1e-6;
  static final Path CORPUS = Path.of("src/test/resources/golden");
  static final Path WORK = Path.of("target/golden");
  static final String MODEL = "credit-risk";
  static final List<String> VERSIONS = List.of("1", "2");
  static final int V2_ROWS_PER_CALL = 50;
  static final ObjectMapper JSON = new ObjectMapper();

  /** The shipped models and the service's own defaults, with the state files in a fresh folder. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        deleteRecursively(WORK);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return Map.of(
          "scorer.repository.path", "models",
          "scorer.audit.path", WORK.resolve("audit/decisions.log").toString(),
          "scorer.audit.hmac-key", "golden-corpus-audit-key-0123456789abcdef",
          "scorer.audit.hmac-key-id", "golden-1",
          "scorer.feedback.store.path", WORK.resolve("feedback").toString());
    }
  }

  @Inject ModelRepository repository;

  @Test
  void answersAuditLinesMetricsAndKeysAreUnchanged() throws Exception {
    List<Map<String, Object>> applicants = applicants();
    for (String version : VERSIONS) {
      List<String> answers = new ArrayList<>();
      for (Map<String, Object> applicant : applicants) {
        Map<String, Object> body =
            Map.of(
                "request_id",
                "golden-" + version + "-" + applicant.get(CreditFeatureEncoder.APPLICANT_ID),
                "applicants",
                List.of(applicant));
        answers.add(post("/v1/credit/score?version=" + version, body));
      }
      check("credit-v" + version + ".jsonl", answers);
    }
    for (String version : VERSIONS) {
      check("v2-v" + version + ".jsonl", inferAll(version, applicants));
    }
    check("audit.jsonl", auditLines(applicants.size() * VERSIONS.size()));
    check("metrics.txt", metricNames());
    check("config.txt", configKeys());
  }

  private List<String> inferAll(String version, List<Map<String, Object>> applicants) {
    ModelVersion.Credit credit = repository.resolve(MODEL, version).credit().orElseThrow();
    CreditFeatureEncoder encoder = credit.encoder();
    int width = encoder.width();
    List<String> answers = new ArrayList<>();
    for (int from = 0; from < applicants.size(); from += V2_ROWS_PER_CALL) {
      int n = Math.min(V2_ROWS_PER_CALL, applicants.size() - from);
      float[] rows = new float[n * width];
      List<io.creditscorer.error.InvalidInputException.FieldError> errors = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        encoder.encode(applicants.get(from + i), rows, i * width, "", errors);
      }
      assertEquals(List.of(), errors);
      List<Float> data = new ArrayList<>(rows.length);
      for (float f : rows) {
        data.add(f);
      }
      Map<String, Object> body =
          Map.of(
              "id",
              "golden-" + version + "-" + from,
              "inputs",
              List.of(
                  Map.of(
                      "name",
                      credit.input(),
                      "shape",
                      List.of(n, width),
                      "datatype",
                      "FP32",
                      "data",
                      data)));
      answers.add(post("/v2/models/" + MODEL + "/versions/" + version + "/infer", body));
    }
    return answers;
  }

  private static String post(String path, Object body) {
    try {
      return given()
          .contentType(ContentType.JSON)
          .body(JSON.writeValueAsString(body))
          .post(path)
          .then()
          .statusCode(200)
          .extract()
          .asString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The audit lines, once the writer has written all of them, without their time fields and their
   * record ids (random per writer); each record id must be unique.
   */
  private static List<String> auditLines(int expected) throws IOException {
    Path log = WORK.resolve("audit/decisions.log");
    Awaitility.await().until(() -> Files.exists(log) && Files.readAllLines(log).size() >= expected);
    List<String> lines = new ArrayList<>();
    Set<String> recordIds = new HashSet<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      ObjectNode node = (ObjectNode) JSON.readTree(line);
      List<String> times = new ArrayList<>();
      node.fieldNames()
          .forEachRemaining(
              n -> {
                if (n.endsWith("_at")
                    || n.equals("ts")
                    || n.equals("time")
                    || n.equals("timestamp")) {
                  times.add(n);
                }
              });
      node.remove(times);
      assertTrue(recordIds.add(node.remove("record_id").asText()), "unique record ids");
      lines.add(JSON.writeValueAsString(node));
    }
    return lines;
  }

  /** Each exported meter's name and type, from the Prometheus page, sorted. */
  private static List<String> metricNames() {
    String page = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
    TreeSet<String> names = new TreeSet<>();
    for (String line : page.split("\n")) {
      if (line.startsWith("# TYPE ")
          && !line.startsWith("# TYPE jvm_")
          && !line.startsWith("# TYPE process_")
          && !line.startsWith("# TYPE system_")) {
        names.add(line.substring("# TYPE ".length()));
      }
    }
    return new ArrayList<>(names);
  }

  /** Every {@code scorer.*} key the configuration knows, with its value, sorted. */
  private static List<String> configKeys() {
    SmallRyeConfig config = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
    TreeSet<String> keys = new TreeSet<>();
    for (String name : config.getPropertyNames()) {
      if (name.startsWith("scorer.")) {
        keys.add(name + "=" + config.getRawValue(name));
      }
    }
    return new ArrayList<>(keys);
  }

  static List<Map<String, Object>> applicants() throws IOException {
    List<Map<String, Object>> all = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("data/applicants.jsonl"))) {
      if (!line.isBlank()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> applicant = JSON.readValue(line, Map.class);
        all.add(applicant);
      }
    }
    return all;
  }

  private static void check(String name, List<String> actual) throws IOException {
    Path file = CORPUS.resolve(name);
    if (Boolean.getBoolean("golden.record")) {
      Files.createDirectories(CORPUS);
      Files.write(file, actual, StandardCharsets.UTF_8);
      return;
    }
    List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(expected.size(), actual.size(), name + ": number of lines");
    for (int i = 0; i < expected.size(); i++) {
      String want = expected.get(i);
      String got = actual.get(i);
      if (!want.equals(got)) {
        String where = name + " line " + (i + 1);
        if (name.endsWith(".txt")) {
          fail(where + ": expected\n  " + want + "\nbut was\n  " + got);
        }
        same(where, JSON.readTree(want), JSON.readTree(got));
      }
    }
  }

  /** Equal JSON trees, numbers within {@link #TOLERANCE}. */
  private static void same(String where, JsonNode want, JsonNode got) {
    if (want.isNumber() && got.isNumber() && want.isFloatingPointNumber()) {
      if (Math.abs(want.doubleValue() - got.doubleValue()) > TOLERANCE) {
        fail(where + ": " + got + " differs from " + want + " by more than " + TOLERANCE);
      }
      return;
    }
    if (want.getNodeType() != got.getNodeType() || want.size() != got.size()) {
      fail(where + ": expected " + want + " but was " + got);
    }
    if (want.isObject()) {
      Iterator<String> names = want.fieldNames();
      Iterator<String> gotNames = got.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        String g = gotNames.next();
        if (!n.equals(g)) {
          fail(where + ": field " + g + " where " + n + " was expected");
        }
        same(where + " ." + n, want.get(n), got.get(n));
      }
    } else if (want.isArray()) {
      for (int i = 0; i < want.size(); i++) {
        same(where + " [" + i + "]", want.get(i), got.get(i));
      }
    } else if (!want.equals(got)) {
      fail(where + ": expected " + want + " but was " + got);
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
