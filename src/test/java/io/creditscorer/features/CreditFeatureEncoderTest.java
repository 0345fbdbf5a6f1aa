package io.creditscorer.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.error.InvalidInputException.FieldError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreditFeatureEncoderTest {

  static Map<String, Integer> categories() {
    Map<String, Integer> c = new LinkedHashMap<>();
    c.put("own", 2);
    c.put("rent", 3);
    c.put("for free", -1);
    return c;
  }

  static final List<FeatureSpec> FEATURES =
      List.of(
          FeatureSpec.numeric("age", "Age", 0, 18, 120, true, 40, 10),
          FeatureSpec.numeric("amount", "Amount", 1, 1, 1e6, false, 0, 1),
          FeatureSpec.categorical("housing", "Housing", categories()));

  static final CreditFeatureEncoder ENCODER = CreditFeatureEncoder.of(FEATURES, List.of("sex"), 4);

  static Map<String, Object> valid() {
    Map<String, Object> a = new HashMap<>();
    a.put("age", 50);
    a.put("amount", 1234.5);
    a.put("housing", "rent");
    return a;
  }

  @Test
  void encodesNumericScaledAndCategoriesOneHot() {
    float[] row = new float[8];
    List<FieldError> errors = new ArrayList<>();
    assertTrue(ENCODER.encode(valid(), row, 4, "a", errors));
    assertArrayEquals(new float[] {0, 0, 0, 0, 1f, 1234.5f, 0, 1}, row);
  }

  @Test
  void categoryWithoutColumnEncodesAllZeros() {
    float[] row = new float[4];
    Map<String, Object> a = valid();
    a.put("housing", "for free");
    assertTrue(ENCODER.encode(a, row, 0, "a", new ArrayList<>()));
    assertEquals(0f, row[2]);
    assertEquals(0f, row[3]);
  }

  @Test
  void applicantIdIsNotAFeature() {
    Map<String, Object> a = valid();
    a.put("applicant_id", "X1");
    assertTrue(ENCODER.encode(a, new float[4], 0, "a", new ArrayList<>()));
  }

  @Test
  void reportsEveryProblemWithItsPath() {
    Map<String, Object> a = new HashMap<>();
    a.put("age", 17.5);
    a.put("amount", Double.NaN);
    a.put("sex", "f");
    a.put("housin", "own");
    List<FieldError> errors = new ArrayList<>();
    assertFalse(ENCODER.encode(a, new float[4], 0, "applicants[3]", errors));
    Map<String, String> byField = new HashMap<>();
    errors.forEach(e -> byField.put(e.field(), e.problem()));
    assertEquals("must be a whole number", byField.get("applicants[3].age"));
    assertEquals("must be a finite number", byField.get("applicants[3].amount"));
    assertTrue(byField.get("applicants[3].sex").contains("protected attribute"));
    assertEquals("unknown field; did you mean 'housing'?", byField.get("applicants[3].housin"));
    assertEquals("is required", byField.get("applicants[3].housing"));
    assertEquals(5, errors.size());
  }

  @Test
  void inconsistentSpecsAreRefusedByName() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> CreditFeatureEncoder.of(FEATURES, List.of(), 3))
            .getMessage()
            .contains("housing"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> CreditFeatureEncoder.of(FEATURES, List.of("age"), 4))
            .getMessage()
            .contains("protected"));
    List<FeatureSpec> overlapping =
        List.of(FEATURES.get(0), FeatureSpec.numeric("other", "Other", 0, 0, 1, false, 0, 1));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> CreditFeatureEncoder.of(overlapping, List.of(), 4))
            .getMessage()
            .contains("used twice"));
  }
}
