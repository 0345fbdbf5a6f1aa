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
}
