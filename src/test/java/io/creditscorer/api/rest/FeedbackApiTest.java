package io.creditscorer.api.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.TestRepositoryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Outcome feedback through the REST door: outcomes joined to decisions made a moment before,
 * per-item results, bad bodies answered 400 naming the field, and the performance document.
 * Outcomes here go to version 2 only ({@code OutcomeReplayTest} owns version 1's window).
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
public class FeedbackApiTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static ValidatableResponse post(String path, Object body) {
    try {
      String json = body instanceof String s ? s : JSON.writeValueAsString(body);
      return given().contentType(ContentType.JSON).body(json).post(path).then();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> outcome(String requestId, String applicantId, Object defaulted) {
    Map<String, Object> o = new LinkedHashMap<>();
    if (requestId != null) {
      o.put("request_id", requestId);
    }
    if (applicantId != null) {
      o.put("applicant_id", applicantId);
    }
    o.put("defaulted", defaulted);
    o.put("observed_at", Instant.now().toString());
    return o;
  }

  /** Scores two applicants under a fresh request id; returns it. */
  static String scoreTwo(String a, String b) {
    String requestId = "fb-" + UUID.randomUUID();
    Map<String, Object> first = CreditApiTest.applicant();
    first.put("applicant_id", a);
    Map<String, Object> second = CreditApiTest.applicant();
    second.put("applicant_id", b);
    second.put("duration", 48);
    post("/v1/credit/score", Map.of("request_id", requestId, "applicants", List.of(first, second)))
        .statusCode(200)
        .body("model_version", equalTo("2"));
    return requestId;
  }

  @Test
  void outcomesJoinTheDecisionsJustMade() {
    String a = "A-" + UUID.randomUUID();
    String requestId = scoreTwo(a, "B-" + UUID.randomUUID());
    float pd =
        post("/v1/credit/score", Map.of("applicants", List.of(CreditApiTest.applicant())))
            .extract()
            .path("results[0].probability_of_default");
    post(
            "/v1/credit/outcomes",
            Map.of("outcomes", List.of(outcome(requestId, a, true), outcome(null, a, true))))
        .statusCode(200)
        .body("results", hasSize(2))
        .body("results[0].index", equalTo(0))
        .body("results[0].result", equalTo("accepted"))
        .body("results[0].request_id", equalTo(requestId))
        .body("results[0].model_name", equalTo("credit-risk"))
        .body("results[0].model_version", equalTo("2"))
        .body("results[0].probability_of_default", equalTo(pd))
        .body("results[0].decision", equalTo("approve"))
        .body("results[0].recorded_defaulted", equalTo(true))
        // The applicant id alone finds the same (latest) decision: already recorded.
        .body("results[1].result", equalTo("duplicate"))
        .body("counts.accepted", equalTo(1))
        .body("counts.duplicate", equalTo(1))
        .body("counts.invalid", equalTo(0));
    post("/v1/credit/outcomes", Map.of("outcomes", List.of(outcome(requestId, a, false))))
        .statusCode(200)
        .body("results[0].result", equalTo("contradicting"))
        .body("results[0].recorded_defaulted", equalTo(true))
        .body("results[0].message", containsString("the first outcome is kept"));
  }

  @Test
  void unknownAndAmbiguousDecisionsAreAnsweredPerItem() {
    String requestId = scoreTwo("C-" + UUID.randomUUID(), "D-" + UUID.randomUUID());
    post(
            "/v1/credit/outcomes",
            Map.of(
                "outcomes",
                List.of(
                    outcome("no-such-request", null, true),
                    outcome(requestId, "nobody", true),
                    outcome(requestId, null, true))))
        .statusCode(200)
        .body(
            "results.result",
            equalTo(List.of("unknown_request_id", "unknown_applicant_id", "invalid")))
        .body("results[0].model_version", nullValue())
        .body("results[2].errors[0].field", equalTo("outcomes[2].applicant_id"))
        .body("results[2].errors[0].problem", containsString("holds 2 decisions"));
  }

  @Test
  void badFieldsOfAnOutcomeAreNamedInItsResult() {
    Map<String, Object> wrongTypes = outcome("x", null, "yes");
    wrongTypes.put("observed_at", "yesterday");
    wrongTypes.put("loss", 12);
    Map<String, Object> missing = new LinkedHashMap<>();
    missing.put("request_id", "x");
    post("/v1/credit/outcomes", Map.of("outcomes", List.of(wrongTypes, missing)))
        .statusCode(200)
        .body("results.result", equalTo(List.of("invalid", "invalid")))
        .body(
            "results[0].errors.field",
            equalTo(
                List.of("outcomes[0].loss", "outcomes[0].defaulted", "outcomes[0].observed_at")))
        .body("results[0].errors[1].problem", equalTo("must be true or false, not a string"))
        .body(
            "results[1].errors.field",
            equalTo(List.of("outcomes[1].defaulted", "outcomes[1].observed_at")));
  }

  @Test
  void aMalformedBodyIs400NamingTheField() {
    post("/v1/credit/outcomes", "{\"outcomes\": [")
        .statusCode(400)
        .body("errors[0].field", equalTo("body"));
    post("/v1/credit/outcomes", Map.of("outcomes", List.of()))
        .statusCode(400)
        .body("errors[0].field", equalTo("outcomes"));
    post("/v1/credit/outcomes", Map.of("outcomes", "all good"))
        .statusCode(400)
        .body("errors[0].field", equalTo("outcomes"));
    post("/v1/credit/outcomes", "{\"outcomes\": [{\"request_id\": \"x\"}, 7], \"extra\": 1}")
        .statusCode(400)
        .body("errors.field", equalTo(List.of("extra", "outcomes[1]")))
        .body("errors[1].problem", equalTo("must be an object, not a number"));
    post("/v1/credit/outcomes", "[]").statusCode(400).body("errors[0].field", equalTo("body"));
    given().post("/v1/credit/outcomes").then().statusCode(400);
  }

  @Test
  @SuppressWarnings("unchecked")
  void performanceIsReportedPerVersion() throws Exception {
    String a = "E-" + UUID.randomUUID();
    String requestId = scoreTwo(a, "F-" + UUID.randomUUID());
    String recordedAt =
        post("/v1/credit/outcomes", Map.of("outcomes", List.of(outcome(requestId, a, false))))
            .statusCode(200)
            .extract()
            .path("recorded_at");
    Map<String, Object> v2 = version(performanceAfter(recordedAt), "2");
    assertEquals(true, v2.get("stable"));
    assertEquals("credit-risk", v2.get("model"));
    assertEquals(10, ((List<?>) v2.get("calibration")).size());
    assertEquals(
        List.of("approve", "refer", "decline"),
        ((List<Map<String, Object>>) v2.get("by_decision"))
            .stream().map(b -> b.get("decision")).toList());
    assertTrue((Integer) v2.get("outcomes") >= 1, v2.toString());
    assertTrue((Integer) v2.get("decisions_stored") >= 2, v2.toString());
  }

  @Test
  @SuppressWarnings("unchecked")
  void groupLabelsTravelWithOutcomesOrAloneAndOnlyTheMonitoredOnes() {
    String a = "G-" + UUID.randomUUID();
    String b = "H-" + UUID.randomUUID();
    String requestId = scoreTwo(a, b);
    // An attribute or value outside the configured set refuses the whole call, naming it.
    Map<String, Object> religion = outcome(requestId, b, true);
    religion.put("groups", Map.of("religion", "any"));
    post("/v1/credit/outcomes", Map.of("outcomes", List.of(outcome(requestId, a, false), religion)))
        .statusCode(400)
        .body("errors[0].field", equalTo("outcomes[1].groups.religion"))
        .body("errors[0].problem", containsString("sex, age_band, foreign_worker"));
    Map<String, Object> other = outcome(requestId, b, true);
    other.put("groups", Map.of("sex", "other"));
    post("/v1/credit/outcomes", Map.of("outcomes", List.of(other)))
        .statusCode(400)
        .body("errors[0].field", equalTo("outcomes[0].groups.sex"))
        .body("errors[0].problem", containsString("male, female"));
    Map<String, Object> number = outcome(requestId, b, true);
    number.put("groups", Map.of("age_band", 30));
    post("/v1/credit/outcomes", Map.of("outcomes", List.of(number)))
        .statusCode(400)
        .body("errors[0].field", equalTo("outcomes[0].groups.age_band"));

    Map<String, Object> labelled = outcome(requestId, a, false);
    labelled.put("groups", Map.of("sex", "female", "age_band", "25-34"));
    post("/v1/credit/outcomes", Map.of("outcomes", List.of(labelled)))
        .statusCode(200)
        .body("results[0].result", equalTo("accepted")); // nothing of the refused calls was kept
    post(
            "/v1/credit/monitoring-attributes",
            Map.of(
                "attributes",
                List.of(
                    Map.of(
                        "request_id", requestId,
                        "applicant_id", b,
                        "groups", Map.of("foreign_worker", "yes")),
                    Map.of("applicant_id", "nobody-" + b, "groups", Map.of("sex", "male")),
                    Map.of("request_id", requestId, "applicant_id", b))))
        .statusCode(200)
        .body("results.result", equalTo(List.of("accepted", "unknown_applicant_id", "invalid")))
        .body("results[0].decision", nullValue())
        .body("results[0].probability_of_default", nullValue())
        .body("results[2].errors[0].field", equalTo("attributes[2].groups"));
    post("/v1/credit/monitoring-attributes", Map.of("attributes", List.of()))
        .statusCode(400)
        .body("errors[0].field", equalTo("attributes"));

    Map<String, Object> doc =
        await("the fairness document counts the labelled decisions")
            .until(
                () ->
                    (Map<String, Object>)
                        given()
                            .get("/v1/credit/fairness")
                            .then()
                            .statusCode(200)
                            .extract()
                            .as(Map.class),
                d ->
                    ((List<Map<String, Object>>) d.get("versions"))
                        .stream().anyMatch(v -> (int) v.get("labelled_decisions") >= 2));
    assertEquals(30, doc.get("minimum_group_size"));
    Map<String, Object> v2 = version(doc, "2");
    List<Map<String, Object>> attributes = (List<Map<String, Object>>) v2.get("attributes");
    assertEquals(
        List.of("sex", "age_band", "foreign_worker"),
        attributes.stream().map(x -> x.get("attribute")).toList());
    Map<String, Object> female =
        ((List<Map<String, Object>>) attributes.get(0).get("groups")).get(1);
    assertEquals("female", female.get("group"));
    // Fewer than 30 labelled decisions: a count, never a rate.
    assertEquals(Boolean.TRUE, ((Map<?, ?>) female.get("approval_rate")).get("insufficient"));
    assertEquals(null, ((Map<?, ?>) female.get("approval_rate")).get("value"));
  }

  /**
   * The performance document once it covers a report recorded at {@code recordedAt} (it is
   * recomputed in the background, every 100 ms in the tests).
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> performanceAfter(String recordedAt) throws Exception {
    Map<String, Object> doc =
        await("performance recomputed after " + recordedAt)
            .until(
                () ->
                    (Map<String, Object>)
                        given()
                            .get("/v1/credit/performance")
                            .then()
                            .statusCode(200)
                            .extract()
                            .as(Map.class),
                d -> Instant.parse((String) d.get("as_of")).isAfter(Instant.parse(recordedAt)));
    assertEquals(5000, ((Map<?, ?>) doc.get("window")).get("max_outcomes"));
    return doc;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> version(Map<String, Object> doc, String version) {
    return ((List<Map<String, Object>>) doc.get("versions"))
        .stream()
            .filter(v -> v.get("version").equals(version))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no version " + version + " in " + doc));
  }
}
