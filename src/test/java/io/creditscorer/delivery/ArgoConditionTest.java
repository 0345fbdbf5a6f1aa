package io.creditscorer.delivery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgoConditionTest {

  static final String ERROR_RATIO = "len(result) > 0 && result[0] <= 0.01";

  @Test
  void aConditionOnTheFirstValueNeedsAValue() {
    assertTrue(ArgoCondition.holds(ERROR_RATIO, List.of(0.0)));
    assertTrue(ArgoCondition.holds(ERROR_RATIO, List.of(0.01)));
    assertFalse(ArgoCondition.holds(ERROR_RATIO, List.of(0.2)));
    assertFalse(ArgoCondition.holds(ERROR_RATIO, List.of()), "no result is no success");
    assertFalse(ArgoCondition.holds(ERROR_RATIO, List.of(Double.NaN)), "NaN compares false");
  }

  @Test
  void andAndOrShortCircuitAsExprDoes() {
    assertFalse(ArgoCondition.holds("len(result) > 0 && result[0] < 1", List.of()));
    assertTrue(ArgoCondition.holds("len(result) == 0 || result[0] < 1", List.of()));
    assertThrows(
        IndexOutOfBoundsException.class, () -> ArgoCondition.holds("result[0] < 1", List.of()));
  }

  @Test
  void precedenceNegationAndIsNaN() {
    assertTrue(ArgoCondition.holds("1 < 2 || 1 > 2 && 1 > 2", List.of()), "&& binds tighter");
    assertFalse(ArgoCondition.holds("(1 < 2 || 1 > 2) && 1 > 2", List.of()));
    assertTrue(ArgoCondition.holds("isNaN(result[0]) || result[0] >= 2e-3", List.of(Double.NaN)));
    assertTrue(ArgoCondition.holds("!(result[0] != 3)", List.of(3.0)));
    assertTrue(ArgoCondition.holds("result[1] >= result[0]", List.of(1.0, 2.0)));
  }

  @Test
  void syntaxOutsideTheSubsetIsRefused() {
    for (String unsupported :
        List.of(
            "all(result, {# < 1})",
            "result[0] < 1 and true",
            "result[0] + 1 < 2",
            "result[0] <",
            "len(result) > 0)")) {
      assertThrows(
          RuntimeException.class,
          () -> ArgoCondition.holds(unsupported, List.of(0.5)),
          unsupported);
    }
  }
}
