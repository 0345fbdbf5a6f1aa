package io.creditscorer.api.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.Management;
import io.creditscorer.TestRepositoryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Reason codes, the configured policy with its hard rule, idempotent retries, the audit trail. */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
public class DecisioningApiTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static ValidatableResponse post(Object body, String idempotencyKey) throws Exception {
    var request = given().contentType(ContentType.JSON).body(JSON.writeValueAsString(body));
    if (idempotencyKey != null) {
      request = request.header("Idempotency-Key", idempotencyKey);
    }
    return request.post("/v1/credit/score").then();
  }

  @Test
  void everyAnswerCarriesReasonCodes() throws Exception {
    Map<String, Object> risky = CreditApiTest.applicant();
    risky.put("checking_status", "<0");
    risky.put("duration", 60);
    risky.put("credit_amount", 15000);
    risky.put("savings_status", "<100");
    ValidatableResponse r =
        post(Map.of("applicants", List.of(risky)), null)
            .statusCode(200)
            .body("results[0].reasons", hasSize(4))
            .body("results[0].reasons.code", everyItem(notNullValue()))
            .body("results[0].reasons.description", everyItem(notNullValue()))
            .body("results[0].reasons.impact", everyItem(org.hamcrest.Matchers.greaterThan(0f)));
    List<Float> impacts = r.extract().path("results[0].reasons.impact");
    for (int k = 1; k < impacts.size(); k++) {
      assertTrue(impacts.get(k - 1) >= impacts.get(k), "largest first");
    }
    List<String> descriptions = r.extract().path("results[0].reasons.description");
    assertTrue(descriptions.contains("Loan duration of 60 months"), descriptions.toString());
  }

  @Test
  void theConfiguredAmountRuleRefersWhatTheThresholdsWouldApprove() throws Exception {
    Map<String, Object> safe = CreditApiTest.applicant(); // row 0: approved at its own amount
    post(Map.of("applicants", List.of(safe)), null)
        .statusCode(200)
        .body("policy_version", equalTo(TestRepositoryResource.POLICY_VERSION))
        .body("results[0].decision", equalTo("approve"))
        .body("results[0].policy_rule", equalTo(null));
    Map<String, Object> large = CreditApiTest.applicant();
    large.put("credit_amount", TestRepositoryResource.MAX_AUTO_APPROVE + 1);
    float pd =
        post(Map.of("applicants", List.of(large)), null)
            .statusCode(200)
            .extract()
            .path("results[0].probability_of_default");
    if (pd < 1.0 / 6) {
      post(Map.of("applicants", List.of(large)), null)
          .body("results[0].decision", equalTo("refer"))
          .body("results[0].policy_rule", equalTo("max_auto_approve_amount"));
    } else {
      post(Map.of("applicants", List.of(large)), null)
          .body("results[0].policy_rule", equalTo(null));
    }
  }

  @Test
  void aRetryWithTheSameKeyGetsTheIdenticalAnswerWithoutScoringAgain() throws Exception {
    String key = UUID.randomUUID().toString();
    Map<String, Object> body = Map.of("applicants", List.of(CreditApiTest.applicant()));
    String first = post(body, key).statusCode(200).extract().asString();
    double before = decisions();
    String retry = post(body, key).statusCode(200).extract().asString();
    assertEquals(first, retry, "identical answer, including the generated request_id");
    assertEquals(before, decisions(), "the retry was not scored again");
    Map<String, Object> other = CreditApiTest.applicant();
    other.put("age", 30);
    post(Map.of("applicants", List.of(other)), key)
        .statusCode(422)
        .body("error", containsString("already used with a different request body"));
    post(body, "k".repeat(256)).statusCode(400).body("errors[0].field", equalTo("Idempotency-Key"));
  }

  @Test
  void oneAuditRecordPerDecisionWithoutRawPersonalValues() throws Exception {
    String requestId = "audit-" + UUID.randomUUID();
    Map<String, Object> a = CreditApiTest.applicant();
    a.put("applicant_id", "AUD-1");
    a.put("credit_amount", 98765);
    a.put("purpose", "domestic appliance");
    a.put("age", 77);
    post(Map.of("request_id", requestId, "applicants", List.of(a)), null)
        .statusCode(200)
        .body("results[0].reasons.size()", lessThanOrEqualTo(4));
    JsonNode record = null;
    List<String> lines = auditLinesOf(requestId);
    assertEquals(1, lines.size(), "exactly one record for one decision");
    for (String line : lines) {
      {
        record = JSON.readTree(line);
        assertFalse(line.contains("98765"), line);
        assertFalse(line.contains("domestic appliance"), line);
        assertFalse(line.contains("\"age\""), line);
        assertFalse(
            line.contains("radio/tv") || line.contains("skilled") || line.contains("real estate"),
            line);
      }
    }
    assertTrue(record != null, "the decision was audited");
    assertEquals("AUD-1", record.get("applicant_id").asText());
    assertEquals("credit-risk", record.get("model_name").asText());
    assertEquals("2", record.get("model_version").asText());
    assertEquals(
        sha256(Path.of("models/credit-risk/2/model.onnx")), record.get("model_sha256").asText());
    assertEquals(TestRepositoryResource.POLICY_VERSION, record.get("policy_version").asText());
    assertEquals(64, record.get("input_hmac").asText().length());
    // No key is configured in the tests: each run draws its own, and the records say so.
    assertTrue(record.get("hmac_key_id").asText().startsWith("ephemeral-"), record.toString());
    assertTrue(record.get("timestamp").asText().endsWith("Z"));
    assertTrue(record.get("reason_codes").isArray());
    for (String field : new String[] {"probability_of_default", "score", "decision"}) {
      assertTrue(record.has(field), field);
    }
  }

  /** Decisions made so far, from the service's own counter. */
  static double decisions() {
    String metrics =
        Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
    return metrics
        .lines()
        .filter(l -> l.startsWith("scorer_decisions_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** The audit lines of one request; the audit log is written in the background, so wait for it. */
  public static List<String> auditLinesOf(String requestId) throws Exception {
    Path log = TestRepositoryResource.AUDIT_LOG;
    return await("the audit line of " + requestId)
        .until(
            () ->
                Files.exists(log)
                    ? Files.readAllLines(log).stream().filter(l -> l.contains(requestId)).toList()
                    : List.<String>of(),
            lines -> !lines.isEmpty());
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
