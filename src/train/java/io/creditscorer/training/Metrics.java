package io.creditscorer.training;

import java.util.Arrays;
import java.util.Comparator;

/** Holdout metrics computed independently of any training library. */
public final class Metrics {

  private Metrics() {}

  /** ROC AUC as the Mann-Whitney statistic, ties counted as one half. */
  public static double rocAuc(double[] score, boolean[] positive) {
    Integer[] order = new Integer[score.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> score[i]));
    double rankSumPositive = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && score[order[j + 1]] == score[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (positive[order[k]]) {
          rankSumPositive += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = score.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Mean squared error of the predicted probability against the 0/1 outcome. */
  public static double brier(double[] probability, boolean[] positive) {
    double sum = 0;
    for (int i = 0; i < probability.length; i++) {
      double y = positive[i] ? 1 : 0;
      sum += (probability[i] - y) * (probability[i] - y);
    }
    return sum / probability.length;
  }
}
