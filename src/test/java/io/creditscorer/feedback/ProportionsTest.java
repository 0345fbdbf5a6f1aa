package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The intervals against the worked examples of the papers that define them, rounded there to four
 * decimals: Newcombe, "Two-sided confidence intervals for the single proportion" (Stat. Med. 1998,
 * 17:857–872, method 3) and "Interval estimation for the difference between independent
 * proportions" (Stat. Med. 1998, 17:873–890, method 10).
 */
class ProportionsTest {

  static void assertInterval(double lower, double upper, Proportions.Interval actual) {
    assertEquals(lower, actual.lower(), 0.5e-4, "lower bound of " + actual);
    assertEquals(upper, actual.upper(), 0.5e-4, "upper bound of " + actual);
  }

  @Test
  void wilsonMatchesNewcombesExamples() {
    assertInterval(0.2553, 0.3662, Proportions.wilson(81, 263));
    assertInterval(0.0624, 0.1605, Proportions.wilson(15, 148));
    assertInterval(0.0, 0.1611, Proportions.wilson(0, 20));
  }

  @Test
  void theDifferenceMatchesNewcombesExamples() {
    assertInterval(0.0524, 0.3339, Proportions.difference(56, 70, 48, 80));
    assertInterval(0.1705, 0.8090, Proportions.difference(9, 10, 3, 10));
  }

  @Test
  void theRatioIsKatzsLogInterval() {
    // 20/100 against 40/100: ratio 0.5, standard error of its log
    // sqrt(1/20 - 1/100 + 1/40 - 1/100) = 0.234521, so 0.5 * exp(±1.96 * 0.234521).
    assertInterval(0.3158, 0.7918, Proportions.ratio(20, 100, 40, 100));
  }

  @Test
  void theRatioStaysFiniteWhenACountIsZero() {
    Proportions.Interval none = Proportions.ratio(0, 40, 30, 40);
    assertTrue(none.lower() > 0 && none.upper() < 1, none.toString());
    Proportions.Interval all = Proportions.ratio(40, 40, 20, 40);
    assertTrue(all.lower() > 1 && Double.isFinite(all.upper()), all.toString());
  }
}
