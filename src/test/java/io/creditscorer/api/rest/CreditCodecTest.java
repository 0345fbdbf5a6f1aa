package io.creditscorer.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.scoring.CreditRequest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreditCodecTest {

  private static CreditRequest decode(String body) {
    return CreditCodec.decode(
        body.getBytes(StandardCharsets.UTF_8), 1 << 20, "2", Duration.ofSeconds(1), "key", null);
  }

  private static List<FieldError> errors(String body) {
    return assertThrows(InvalidInputException.class, () -> decode(body)).errors();
  }

  @Test
  void readsApplicantsAsThePlainValuesOfTheirJson() {
    CreditRequest r =
        decode(
            """
            {"applicants": [
               {"applicant_id": "A-1", "duration": 6, "credit_amount": 1169.5,
                "big": 12345678901, "huge": 123456789012345678901234567890,
                "flag": true, "none": null, "list": [1, "x", [false]], "nested": {"k": {"v": -2}}},
               {}],
             "request_id": "r-7"}
            """);
    assertEquals("r-7", r.requestId());
    assertEquals("2", r.version());
    assertEquals("key", r.idempotencyKey());
    assertEquals(2, r.applicants().size());
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("applicant_id", "A-1");
    expected.put("duration", 6);
    expected.put("credit_amount", 1169.5);
    expected.put("big", 12345678901L);
    expected.put("huge", new BigInteger("123456789012345678901234567890"));
    expected.put("flag", true);
    expected.put("none", null);
    expected.put("list", List.of(1, "x", List.of(false)));
    expected.put("nested", Map.of("k", Map.of("v", -2)));
    Map<String, Object> first = r.applicants().get(0);
    assertEquals(expected, first);
    assertEquals(
        new ArrayList<>(expected.keySet()), new ArrayList<>(first.keySet()), "field order");
    assertEquals(
        Integer.class, first.get("duration").getClass(), "the same types as the tree gave");
    assertEquals(Double.class, first.get("credit_amount").getClass());
    assertEquals(Map.of(), r.applicants().get(1));
  }

  @Test
  void anAbsentOrNullRequestIdIsLeftToTheEngine() {
    assertNull(decode("{\"applicants\": [{}]}").requestId());
    assertNull(decode("{\"request_id\": null, \"applicants\": [{}]}").requestId());
  }

  @Test
  void everyEnvelopeProblemIsNamedInDocumentOrder() {
    List<FieldError> errors =
        errors(
            """
            {"request_id": {"a": [1]}, "applicants": [7, {}, null, [{}]], "extra": {"b": 2},
             "more": [3]}
            """);
    assertEquals(
        List.of("request_id", "applicants[0]", "applicants[2]", "applicants[3]", "extra", "more"),
        errors.stream().map(FieldError::field).toList());
    assertEquals("must be a string, not an object", errors.get(0).problem());
    assertEquals("must be an object, not a number", errors.get(1).problem());
    assertEquals("must be an object, not null", errors.get(2).problem());
    assertEquals("must be an object, not an array", errors.get(3).problem());
    assertTrue(errors.get(4).problem().startsWith("unknown field (allowed: "));
  }

  @Test
  void applicantsMustBeANonEmptyArray() {
    for (String body :
        new String[] {
          "{}", "{\"applicants\": []}", "{\"applicants\": {}}", "{\"applicants\": \"x\"}"
        }) {
      assertEquals(
          List.of(new FieldError("applicants", "must be a non-empty array of applicant objects")),
          errors(body),
          body);
    }
  }

  @Test
  void aBodyThatIsNotOneJsonObjectIsRefusedAsTheBody() {
    for (String body :
        new String[] {
          "null", "[{}]", "  ", "{\"applicants\": [{}]} {}", "{\"applicants\": [", "{\"a\" 1}"
        }) {
      List<FieldError> errors = errors(body);
      assertEquals(1, errors.size(), body);
      assertEquals("body", errors.get(0).field(), body);
    }
    assertTrue(errors("{\"applicants\": [{}]} {}").get(0).problem().startsWith("malformed JSON"));
  }
}
