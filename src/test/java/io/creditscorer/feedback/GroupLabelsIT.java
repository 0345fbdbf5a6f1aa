package io.creditscorer.feedback;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.PackagedService;
import io.creditscorer.api.rest.CreditApiTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar with a monitored attribute of its own, whose values are markers: after group
 * labels were reported through both doors and the labelled applicants scored again, the markers are
 * in the decision store and the fairness report, and nowhere else the run wrote or answered: not in
 * its log (at DEBUG), the audit trail, or any scoring or reporting answer.
 */
class GroupLabelsIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String NORTH = "zqmarker-north";
  static final String SOUTH = "zqmarker-south";

  final HttpClient client = HttpClient.newHttpClient();
  final List<String> answers = new ArrayList<>();

  @Test
  void groupLabelsReachTheStoreAndTheFairnessReportOnly() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "group-labels-it");
    List<String> options =
        List.of(
            "-Dscorer.fairness.attributes.cohort=" + NORTH + "," + SOUTH,
            "-Dscorer.fairness.minimum-group-size=1",
            "-Dscorer.feedback.refresh-interval=100ms",
            "-Dquarkus.log.category.\"io.creditscorer\".level=DEBUG");
    try (PackagedService service = new PackagedService(dir, options).start()) {
      Map<String, Object> a = CreditApiTest.applicant();
      a.put("applicant_id", "labels-it-a");
      Map<String, Object> b = CreditApiTest.applicant();
      b.put("applicant_id", "labels-it-b");
      send(
          service,
          "/v1/credit/score",
          Map.of("request_id", "labels-it-1", "applicants", List.of(a, b)),
          200);

      JsonNode labelled =
          send(
              service,
              "/v1/credit/monitoring-attributes",
              Map.of(
                  "attributes",
                  List.of(
                      Map.of("applicant_id", "labels-it-a", "groups", Map.of("cohort", NORTH)),
                      Map.of("applicant_id", "nobody", "groups", Map.of("cohort", NORTH)))),
              200);
      assertEquals("accepted", labelled.at("/results/0/result").asText());
      assertEquals("unknown_applicant_id", labelled.at("/results/1/result").asText());
      assertTrue(labelled.at("/results/0/decision").isMissingNode(), "no decision is revealed");

      JsonNode reported =
          send(
              service,
              "/v1/credit/outcomes",
              Map.of(
                  "outcomes",
                  List.of(
                      Map.of(
                          "request_id",
                          "labels-it-1",
                          "applicant_id",
                          "labels-it-b",
                          "defaulted",
                          true,
                          "observed_at",
                          Instant.now().toString(),
                          "groups",
                          Map.of("cohort", SOUTH)))),
              200);
      assertEquals("accepted", reported.at("/results/0/result").asText());
      // A value outside the configured set is refused whole, naming the field.
      JsonNode refused =
          send(
              service,
              "/v1/credit/monitoring-attributes",
              Map.of(
                  "attributes",
                  List.of(
                      Map.of("applicant_id", "labels-it-a", "groups", Map.of("cohort", "east")))),
              400);
      assertTrue(refused.toString().contains("attributes[0].groups.cohort"), refused.toString());
      // Groups are no scoring input.
      Map<String, Object> withGroups = CreditApiTest.applicant();
      withGroups.put("groups", Map.of("cohort", NORTH));
      send(service, "/v1/credit/score", Map.of("applicants", List.of(withGroups)), 400);
      // Scored again after labelling: the answer and its reasons know nothing of the labels.
      send(service, "/v1/credit/score", Map.of("applicants", List.of(a)), 200);

      JsonNode fairness =
          await("the fairness report holds both labelled decisions")
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> get(service, "/v1/credit/fairness"),
                  f -> f.at("/versions/0/labelled_decisions").asInt() == 2);
      JsonNode cohort = fairness.at("/versions/0/attributes/0");
      assertEquals("cohort", cohort.get("attribute").asText());
      assertEquals(NORTH, cohort.at("/groups/0/group").asText());
      assertEquals(1, cohort.at("/groups/0/decisions").asInt());
      assertEquals(1, cohort.at("/groups/1/outcomes").asInt());
      assertEquals(1, cohort.at("/groups/1/defaults").asInt());
      service.stop(); // everything written is flushed before the scan
    }

    for (String answer : answers) {
      assertFalse(answer.contains("zqmarker"), "an answer holds a group label: " + answer);
    }
    List<String> found = new ArrayList<>();
    boolean inStore = false;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        boolean marked = text.contains(NORTH) || text.contains(SOUTH);
        if (f.getParent().endsWith("feedback")) {
          inStore |= marked;
        } else if (marked) {
          found.add(f.toString());
        }
      }
    }
    assertTrue(inStore, "the decision store keeps the labels (so the scan can see them)");
    assertEquals(List.of(), found, "files other than the decision store holding a group label");
    assertTrue(
        Files.readString(dir.resolve("audit/decisions.log")).contains("labels-it-1"),
        "the scan reads the audit trail of the labelled decisions");
  }

  JsonNode send(PackagedService service, String path, Object body, int status) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(service.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), r.body());
    if (status == 200) {
      answers.add(r.body());
    }
    return JSON.readTree(r.body());
  }

  JsonNode get(PackagedService service, String path) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(service.uri(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }
}
