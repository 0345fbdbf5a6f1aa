package io.creditscorer.api.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.creditscorer.Management;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.decision.ScoreScale;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
public class CreditApiTest {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Row 0 of the German Credit data, without the protected attributes. */
  public static Map<String, Object> applicant() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("checking_status", "<0");
    a.put("duration", 6);
    a.put("credit_history", "critical/other existing credit");
    a.put("purpose", "radio/tv");
    a.put("credit_amount", 1169);
    a.put("savings_status", "no known savings");
    a.put("employment", ">=7");
    a.put("installment_commitment", 4);
    a.put("other_parties", "none");
    a.put("residence_since", 4);
    a.put("property_magnitude", "real estate");
    a.put("age", 67);
    a.put("other_payment_plans", "none");
    a.put("housing", "own");
    a.put("existing_credits", 2);
    a.put("job", "skilled");
    a.put("num_dependents", 1);
    a.put("own_telephone", "yes");
    return a;
  }

  /** An applicant as the gRPC credit API takes it: a Struct of the same fields. */
  public static Struct struct(Map<String, Object> applicant) {
    Struct.Builder s = Struct.newBuilder();
    applicant.forEach(
        (k, v) ->
            s.putFields(
                k,
                v instanceof Number n
                    ? Value.newBuilder().setNumberValue(n.doubleValue()).build()
                    : Value.newBuilder().setStringValue(v.toString()).build()));
    return s.build();
  }

  static ValidatableResponse score(String path, Object body) {
    try {
      String json = body instanceof String s ? s : JSON.writeValueAsString(body);
      return given().contentType(ContentType.JSON).body(json).post(path).then();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static ValidatableResponse score(Object body) {
    return score("/v1/credit/score", body);
  }

  @Test
  void scoresApplicantsInRequestOrder() {
    Map<String, Object> risky = applicant();
    risky.put("applicant_id", "B");
    risky.put("checking_status", "0<=X<200");
    risky.put("duration", 48);
    risky.put("credit_amount", 15000);
    risky.put("age", 22);
    risky.put("savings_status", "<100");
    Map<String, Object> safe = applicant();
    safe.put("applicant_id", "A");
    ValidatableResponse r =
        score(Map.of("request_id", "req-1", "applicants", List.of(safe, risky)))
            .statusCode(200)
            .body("request_id", equalTo("req-1"))
            .body("model_name", equalTo("credit-risk"))
            .body("model_version", equalTo("2"))
            .body("policy_version", equalTo(TestRepositoryResource.POLICY_VERSION))
            .body("results", hasSize(2))
            .body("results.applicant_id", contains("A", "B"));
    float pdSafe = r.extract().path("results[0].probability_of_default");
    float pdRisky = r.extract().path("results[1].probability_of_default");
    assertTrue(pdSafe < pdRisky, "the risky applicant must have the higher probability of default");
    int scoreSafe = r.extract().path("results[0].score");
    int scoreRisky = r.extract().path("results[1].score");
    assertTrue(scoreSafe > scoreRisky);
    ScoreScale scale = new ScoreScale(600, 50, 20);
    assertEquals(scale.points(pdSafe), scoreSafe);
    assertEquals(
        pdSafe < 1.0 / 6 ? "approve" : pdSafe >= 0.5 ? "decline" : "refer",
        r.extract().path("results[0].decision"));
    assertEquals(
        pdRisky < 1.0 / 6 ? "approve" : pdRisky >= 0.5 ? "decline" : "refer",
        r.extract().path("results[1].decision"));
  }

  @Test
  void generatesARequestIdAndAnExplicitVersionWins() {
    score("/v1/credit/score?version=1", Map.of("applicants", List.of(applicant())))
        .statusCode(200)
        .body("model_version", equalTo("1"))
        .body("request_id", matchesPattern("[0-9a-f-]{36}"))
        .body("results[0].applicant_id", equalTo(null));
    score("/v1/credit/score?version=3", Map.of("applicants", List.of(applicant())))
        .statusCode(404)
        .body("error", containsString("no version 3"));
  }

  @Test
  void sameInputSameAnswer() {
    Map<String, Object> body = Map.of("applicants", List.of(applicant()));
    float a = score(body).statusCode(200).extract().path("results[0].probability_of_default");
    float b = score(body).statusCode(200).extract().path("results[0].probability_of_default");
    assertEquals(a, b);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown category   | purpose         | \"car\"          | unknown category 'car'",
        "negative amount    | credit_amount   | -500             | must be at least 1",
        "impossible age     | age             | 7                | must be at least 18",
        "age too high       | age             | 250              | must be at most 120",
        "fractional months  | duration        | 12.5             | must be a whole number",
        "wrong JSON type    | duration        | \"twelve\"       | must be a number, not a string",
        "number as category | housing         | 1                | must be one of the categories (a string), not a number",
        "null               | job             | null             | must not be null",
        "object             | age             | {\"years\": 30}  | must be a number, not an object",
        "protected sex      | personal_status | \"male single\"  | protected attribute",
        "protected origin   | foreign_worker  | \"yes\"          | protected attribute",
        "misspelt field     | durration       | 12               | did you mean 'duration'",
        "unknown field      | shoe_size       | 44               | unknown field",
        "non-string id      | applicant_id    | 17               | must be a string"
      })
  void badFieldsAreNamedWithTheirProblem(String title, String field, String json, String problem)
      throws Exception {
    Map<String, Object> a = applicant();
    a.put(field, JSON.readValue(json, Object.class));
    score(Map.of("applicants", List.of(applicant(), a)))
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("errors", hasSize(1))
        .body("errors[0].field", equalTo("applicants[1]." + field))
        .body("errors[0].problem", containsString(problem))
        .body("error", containsString("applicants[1]." + field));
  }

  @Test
  void missingFieldIsNamed() {
    Map<String, Object> a = applicant();
    a.remove("checking_status");
    score(Map.of("applicants", List.of(a)))
        .statusCode(400)
        .body("errors[0].field", equalTo("applicants[0].checking_status"))
        .body("errors[0].problem", equalTo("is required"));
  }

  @Test
  void everyOffendingFieldIsListed() {
    Map<String, Object> a = applicant();
    a.put("age", -1);
    a.put("purpose", "yacht");
    a.put("personal_status", "female single");
    a.remove("housing");
    score(Map.of("applicants", List.of(a)))
        .statusCode(400)
        .body("errors", hasSize(4))
        .body(
            "errors.field",
            org.hamcrest.Matchers.containsInAnyOrder(
                "applicants[0].age",
                "applicants[0].purpose",
                "applicants[0].personal_status",
                "applicants[0].housing"));
  }

  @Test
  void badEnvelopes() {
    score("{}").statusCode(400).body("errors.field", hasItem("applicants"));
    score("{\"applicants\": []}").statusCode(400).body("errors.field", hasItem("applicants"));
    score("{\"applicants\": [1, null]}")
        .statusCode(400)
        .body("errors.field", contains("applicants[0]", "applicants[1]"));
    score("{\"applicants\": {}}").statusCode(400).body("errors.field", hasItem("applicants"));
    score("{\"request_id\": 5, \"applicants\": [{}]}")
        .statusCode(400)
        .body("errors.field", hasItem("request_id"));
    score("{\"aplicants\": []}").statusCode(400).body("errors.field", hasItem("aplicants"));
    score("{\"applicants\": [").statusCode(400).body("errors[0].field", equalTo("body"));
    score("").statusCode(400).body("errors[0].problem", containsString("empty"));
    score("null").statusCode(400).body("errors[0].problem", containsString("JSON object"));
  }

  @Test
  void aDeadlineHeaderIsHonouredAndABadOneNamed() {
    given()
        .contentType(ContentType.JSON)
        .header("X-Timeout-Ms", "5000")
        .body(Map.of("applicants", List.of(applicant())))
        .post("/v1/credit/score")
        .then()
        .statusCode(200);
    for (String bad : new String[] {"soon", "0", "-5", "99999999999"}) {
      given()
          .contentType(ContentType.JSON)
          .header("X-Timeout-Ms", bad)
          .body(Map.of("applicants", List.of(applicant())))
          .post("/v1/credit/score")
          .then()
          .statusCode(400)
          .body("errors[0].field", equalTo("X-Timeout-Ms"));
    }
  }

  @Test
  void batchingMetricsArePublishedPerVersion() {
    score(Map.of("applicants", List.of(applicant(), applicant()))).statusCode(200);
    String metrics =
        Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
    for (String name :
        new String[] {
          "scorer_batch_rows_bucket{model=\"credit-risk\",version=\"2\"",
          "scorer_queue_wait_seconds_bucket{model=\"credit-risk\",version=\"2\"",
          "scorer_inference_seconds_bucket{model=\"credit-risk\",version=\"2\"",
          "scorer_queue_depth{model=\"credit-risk\",version=\"2\"}",
          "scorer_queue_rejected_total{model=\"credit-risk\",version=\"2\"}",
          "scorer_queue_expired_total{model=\"credit-risk\",version=\"2\"}"
        }) {
      assertTrue(metrics.contains(name), name);
    }
  }

  @Test
  void driftGaugesAndDataQualityCountersArePublished() throws Exception {
    score(Map.of("applicants", List.of(applicant()))).statusCode(200);
    // The drift thread registers its gauges after its first observation.
    String metrics =
        await("drift gauges are exported")
            .until(
                () ->
                    Management.given()
                        .get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString(),
                m -> m.contains("scorer_drift_psi{"));
    assertTrue(
        metrics.contains(
            "scorer_drift_psi{feature=\"credit_amount\",model=\"credit-risk\",version=\"2\"}"),
        "a PSI gauge per feature");
    assertTrue(
        metrics.contains(
            "scorer_drift_psi{feature=\"probability_of_default\",model=\"credit-risk\",version=\"2\"}"));
    assertTrue(
        metrics.contains(
            "scorer_data_quality_total{feature=\"age\",issue=\"out_of_training_range\""));
  }

  @Test
  void tooManyApplicantsAreRefused() {
    Map<String, Object> body =
        Map.of("applicants", java.util.Collections.nCopies(513, applicant()));
    score(body)
        .statusCode(400)
        .body("errors[0].field", equalTo("applicants"))
        .body("errors[0].problem", containsString("at most 512"));
  }

  @Test
  void serviceKeepsServingAfterBadInput() {
    for (int i = 0; i < 20; i++) {
      score("{\"applicants\": [{\"age\": \"old\"}]}").statusCode(400);
    }
    score(Map.of("applicants", List.of(applicant()))).statusCode(200).body("results", hasSize(1));
  }

  @Test
  void decisionsAreCountedInMetrics() {
    score(Map.of("applicants", List.of(applicant()))).statusCode(200);
    score("{\"applicants\": [{\"age\": \"old\"}]}").statusCode(400);
    String metrics =
        Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(metrics.contains("scorer_decisions_total{decision="), "decisions by outcome");
    assertTrue(
        metrics.contains(
            "scorer_requests_seconds_bucket{api=\"credit\",model=\"credit-risk\",outcome=\"ok\",version=\"2\""));
    assertTrue(metrics.contains("outcome=\"invalid_input\""));
  }

  @Test
  void eachApplicantsProbabilityOfDefaultLandsInItsHistogramBucket() {
    double[] before = pdBands();
    double p =
        score(Map.of("applicants", List.of(applicant())))
            .statusCode(200)
            .extract()
            .jsonPath()
            .getDouble("results[0].probability_of_default");
    double[] after = pdBands();
    int band = Math.max(0, (int) Math.ceil(p * 20) - 1); // (5 band %, 5 (band + 1) %]
    for (int b = 0; b < 20; b++) {
      assertEquals(before[b] + (b == band ? 1 : 0), after[b], "band " + b + " for p = " + p);
    }
  }

  /** Version 2's probability-of-default counts per band of 5 % (from the cumulative buckets). */
  private static double[] pdBands() {
    String metrics =
        Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
    java.util.regex.Pattern bound = java.util.regex.Pattern.compile("le=\"([^\"]+)\"");
    double[] cumulative = new double[20];
    for (String line : metrics.split("\n")) {
      java.util.regex.Matcher m = bound.matcher(line);
      if (line.startsWith("scorer_probability_of_default_percent_bucket{")
          && line.contains("model=\"credit-risk\"")
          && line.contains("version=\"2\"")
          && m.find()
          && !m.group(1).equals("+Inf")) {
        int b = (int) Math.round(Double.parseDouble(m.group(1)) / 5) - 1;
        cumulative[b] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    double[] bands = new double[20];
    for (int b = 0; b < 20; b++) {
      bands[b] = cumulative[b] - (b == 0 ? 0 : cumulative[b - 1]);
    }
    return bands;
  }

  @Test
  void openApiDocumentsBothApis() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("paths", org.hamcrest.Matchers.hasKey("/v1/credit/score"))
        .body("paths", org.hamcrest.Matchers.hasKey("/v2/models/{model}/infer"))
        .body("paths.'/v1/credit/score'.post.summary", not(equalTo(null)))
        .body(
            "paths.'/v1/credit/score'.post.responses.'200'.content.'application/json'.schema.$ref",
            containsString("CreditResponseJson"));
  }
}
