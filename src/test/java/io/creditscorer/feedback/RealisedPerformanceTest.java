package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** AUC, Brier score and calibration against values computed by hand. */
class RealisedPerformanceTest {

  static final double[] PD = {0.1, 0.4, 0.35, 0.8};
  static final boolean[] BAD = {false, false, true, true};

  @Test
  void aucCountsCorrectlyOrderedPairs() {
    // Defaulted 0.35 beats 0.1 but not 0.4; defaulted 0.8 beats both: 3 of 4 pairs.
    assertEquals(0.75, RealisedPerformance.auc(PD, BAD), 1e-15);
  }

  @Test
  void tiesCountOneHalf() {
    double[] pd = {0.2, 0.2, 0.5, 0.5, 0.9};
    boolean[] bad = {false, true, false, true, true};
    // Pairs (defaulted, repaid): (0.2,0.2) 1/2, (0.2,0.5) 0, (0.5,0.2) 1, (0.5,0.5) 1/2,
    // (0.9,0.2) 1, (0.9,0.5) 1 -> 4 of 6.
    assertEquals(4.0 / 6, RealisedPerformance.auc(pd, bad), 1e-15);
    // All tied: no information, 0.5.
    assertEquals(
        0.5, RealisedPerformance.auc(new double[] {0.3, 0.3}, new boolean[] {true, false}), 1e-15);
  }

  @Test
  void aucNeedsBothClasses() {
    assertTrue(Double.isNaN(RealisedPerformance.auc(new double[] {0.1, 0.9}, new boolean[2])));
    assertTrue(Double.isNaN(RealisedPerformance.auc(new double[0], new boolean[0])));
  }

  @Test
  void aucEqualsThePairwiseCountOnRandomDataWithTies() {
    Random random = new Random(7);
    int n = 500;
    double[] pd = new double[n];
    boolean[] bad = new boolean[n];
    for (int i = 0; i < n; i++) {
      pd[i] = Math.round(random.nextDouble() * 20) / 20.0; // 21 values: many ties
      bad[i] = random.nextDouble() < pd[i];
    }
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (bad[i] && !bad[j]) {
          pairs++;
          wins += pd[i] > pd[j] ? 1 : pd[i] == pd[j] ? 0.5 : 0;
        }
      }
    }
    assertEquals(wins / pairs, RealisedPerformance.auc(pd, bad), 1e-12);
  }

  @Test
  void brierIsTheMeanSquaredError() {
    // (0.1^2 + 0.4^2 + 0.65^2 + 0.2^2) / 4 = (0.01 + 0.16 + 0.4225 + 0.04) / 4
    assertEquals(0.158125, RealisedPerformance.brier(PD, BAD), 1e-15);
    assertTrue(Double.isNaN(RealisedPerformance.brier(new double[0], new boolean[0])));
  }

  @Test
  void calibrationPerBandAndExpectedError() {
    double[] pd = {0.1, 0.4, 0.35, 0.8, 1.0};
    boolean[] bad = {false, false, true, true, true};
    RealisedPerformance.Calibration c = RealisedPerformance.calibration(pd, bad, 2);
    assertEquals(2, c.bands().size());
    RealisedPerformance.Band low = c.bands().get(0);
    assertEquals(0.0, low.from());
    assertEquals(0.5, low.to());
    assertEquals(3, low.outcomes());
    assertEquals(0.85 / 3, low.meanPredicted(), 1e-15);
    assertEquals(1.0 / 3, low.observedDefaultRate(), 1e-15);
    RealisedPerformance.Band high = c.bands().get(1);
    assertEquals(2, high.outcomes()); // 1.0 belongs to the last band
    assertEquals(0.9, high.meanPredicted(), 1e-15);
    assertEquals(1.0, high.observedDefaultRate(), 1e-15);
    // 3/5 * |0.28333 - 0.33333| + 2/5 * |0.9 - 1|
    assertEquals(
        3.0 / 5 * (1.0 / 3 - 0.85 / 3) + 2.0 / 5 * 0.1, c.expectedCalibrationError(), 1e-15);
  }

  @Test
  void anEmptyBandHasNoRates() {
    RealisedPerformance.Calibration c =
        RealisedPerformance.calibration(new double[] {0.05}, new boolean[] {false}, 10);
    assertEquals(1, c.bands().get(0).outcomes());
    assertEquals(0, c.bands().get(5).outcomes());
    assertTrue(Double.isNaN(c.bands().get(5).meanPredicted()));
    assertEquals(0.05, c.expectedCalibrationError(), 1e-15);
  }
}
