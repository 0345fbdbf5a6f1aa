package io.creditscorer.feedback;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well predicted probabilities of default matched observed outcomes. Pure functions of the
 * (probability, defaulted) pairs; no state, no clock.
 */
public final class RealisedPerformance {

  private RealisedPerformance() {}

  /**
   * ROC AUC as the Mann–Whitney statistic: the probability that a defaulted loan was given a higher
   * probability of default than a repaid one, ties counted as one half (mid-ranks). NaN unless both
   * classes occur.
   */
  public static double auc(double[] pd, boolean[] defaulted) {
    int n = pd.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(pd[a], pd[b]));
    double rankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i + 1;
      while (j < n && pd[order[j]] == pd[order[i]]) {
        j++;
      }
      double midRank = (i + 1 + j) / 2.0; // ranks i+1 .. j share their mean
      for (int k = i; k < j; k++) {
        if (defaulted[order[k]]) {
          rankSum += midRank;
          positives++;
        }
      }
      i = j;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Mean squared difference between probability and outcome (0 perfect); NaN when empty. */
  public static double brier(double[] pd, boolean[] defaulted) {
    if (pd.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < pd.length; i++) {
      double d = pd[i] - (defaulted[i] ? 1 : 0);
      sum += d * d;
    }
    return sum / pd.length;
  }

  /**
   * One band of predicted probability {@code [from, to)} (the last band includes 1): how many
   * outcomes fell in it, their mean prediction and observed default rate (both NaN when empty).
   */
  public record Band(
      double from, double to, int outcomes, double meanPredicted, double observedDefaultRate) {}

  /** Calibration over {@code bands} equal-width bands, and the expected calibration error. */
  public record Calibration(List<Band> bands, double expectedCalibrationError) {}

  /**
   * Predicted against observed default rate per band of predicted probability; the expected
   * calibration error is {@code sum(n_b / n * |meanPredicted_b - observedRate_b|)} (NaN when
   * empty).
   */
  public static Calibration calibration(double[] pd, boolean[] defaulted, int bands) {
    int[] count = new int[bands];
    double[] predicted = new double[bands];
    int[] defaults = new int[bands];
    for (int i = 0; i < pd.length; i++) {
      int b = Math.min(bands - 1, Math.max(0, (int) (pd[i] * bands)));
      count[b]++;
      predicted[b] += pd[i];
      defaults[b] += defaulted[i] ? 1 : 0;
    }
    List<Band> out = new ArrayList<>(bands);
    double ece = 0;
    for (int b = 0; b < bands; b++) {
      double mean = count[b] == 0 ? Double.NaN : predicted[b] / count[b];
      double rate = count[b] == 0 ? Double.NaN : (double) defaults[b] / count[b];
      out.add(new Band((double) b / bands, (double) (b + 1) / bands, count[b], mean, rate));
      if (count[b] > 0) {
        ece += (double) count[b] / pd.length * Math.abs(mean - rate);
      }
    }
    return new Calibration(List.copyOf(out), pd.length == 0 ? Double.NaN : ece);
  }
}
