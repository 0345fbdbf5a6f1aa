package io.creditscorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins the canonical form: audit records and idempotency keys must not change across releases. */
class FingerprintsTest {

  private static String sha256(String canonical) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256")
                .digest(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void keysAreSortedNumbersGoByValueAndQuotesAreEscaped() throws Exception {
    Map<String, Object> applicant = new LinkedHashMap<>();
    applicant.put("purpose", "radio/tv");
    applicant.put("duration", 6);
    applicant.put("credit_amount", 1169.0);
    applicant.put("note", "say \"hi\" \\ bye");
    applicant.put("nested", Arrays.asList(1L, -100, 0.5, new BigDecimal("2.50"), 1e20, null, true));
    assertEquals(
        sha256(
            "{\"credit_amount\":1169,\"duration\":6,"
                + "\"nested\":[1,-100,0.5,2.5,100000000000000000000,null,true,],"
                + "\"note\":\"say \\\"hi\\\" \\\\ bye\",\"purpose\":\"radio/tv\",}"),
        Fingerprints.of(applicant));
  }

  @Test
  void allButOneFieldIsTheFingerprintOfTheMapWithoutIt() {
    Map<String, Object> applicant = new LinkedHashMap<>();
    applicant.put("purpose", "radio/tv");
    applicant.put("applicant_id", "A-1");
    applicant.put("duration", 6);
    Map<String, Object> without = new LinkedHashMap<>(applicant);
    without.remove("applicant_id");
    assertEquals(Fingerprints.of(without), Fingerprints.ofAllBut(applicant, "applicant_id"));
    assertNotEquals(Fingerprints.of(applicant), Fingerprints.ofAllBut(applicant, "applicant_id"));
  }

  @Test
  void integersAndTheirDecimalFormAgreeButOrderInListsMatters() {
    assertEquals(Fingerprints.of(Map.of("a", 6)), Fingerprints.of(Map.of("a", 6.0)));
    assertEquals(Fingerprints.of(Map.of("a", 0L)), Fingerprints.of(Map.of("a", -0.0)));
    assertNotEquals(Fingerprints.of(List.of(1, 2)), Fingerprints.of(List.of(2, 1)));
  }

  @Test
  void textBeyondAsciiAndOtherValuesKeepTheirCanonicalForm() throws Exception {
    Map<String, Object> applicant = new LinkedHashMap<>();
    applicant.put("purpose", "caf\u00e9 \"\u00fcber\" \\ \ud83d\ude00");
    applicant.put("flag", true);
    applicant.put("least", Long.MIN_VALUE);
    applicant.put("\u00e9tat", -0.25);
    assertEquals(
        sha256(
            "{\"flag\":true,\"least\":-9223372036854775808,"
                + "\"purpose\":\"caf\u00e9 \\\"\u00fcber\\\" \\\\ \ud83d\ude00\",\"\u00e9tat\":-0.25,}"),
        Fingerprints.of(applicant));
  }

  @Test
  void aLargeBodyDoesNotChangeTheNextFingerprint() throws Exception {
    String big = "x".repeat(100_000);
    assertEquals(sha256("{\"a\":\"" + big + "\",}"), Fingerprints.of(Map.of("a", big)));
    assertEquals(sha256("{\"a\":6,}"), Fingerprints.of(Map.of("a", 6)));
  }

  @Test
  void theOrderOfTheKeysNeverMattersRepeatedOrNot() {
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("purpose", "car");
    first.put("age", 30);
    first.put("duration", 12);
    Map<String, Object> reordered = new LinkedHashMap<>();
    reordered.put("duration", 12);
    reordered.put("purpose", "car");
    reordered.put("age", 30);
    String expected = Fingerprints.of(first);
    for (int i = 0; i < 3; i++) {
      assertEquals(expected, Fingerprints.of(reordered));
      assertEquals(expected, Fingerprints.of(first));
    }
    first.put("age", 31); // the same keys in the same order, another value
    assertNotEquals(expected, Fingerprints.of(first));
  }

  @Test
  void theAuditFingerprintNeedsTheKey() {
    java.util.Map<String, Object> applicant =
        new java.util.HashMap<>(io.creditscorer.api.rest.CreditApiTest.applicant());
    applicant.put("applicant_id", "A-1");
    AuditKey a = AuditKey.of("a", "a".repeat(AuditKey.MIN_SECRET_BYTES));
    AuditKey b = AuditKey.of("b", "b".repeat(AuditKey.MIN_SECRET_BYTES));
    String underA = Fingerprints.keyedOfAllBut(applicant, "applicant_id", a);
    assertEquals(underA, Fingerprints.keyedOfAllBut(applicant, "applicant_id", a), "stable");
    org.junit.jupiter.api.Assertions.assertNotEquals(
        underA, Fingerprints.keyedOfAllBut(applicant, "applicant_id", b), "another key");
    org.junit.jupiter.api.Assertions.assertNotEquals(
        underA, Fingerprints.ofAllBut(applicant, "applicant_id"), "not the unkeyed hash");
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> AuditKey.of("short", "too short"));
    org.junit.jupiter.api.Assertions.assertFalse(a.toString().contains("aaaa"), "never shown");
  }
}
