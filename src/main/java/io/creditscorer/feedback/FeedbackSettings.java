package io.creditscorer.feedback;

import java.time.Duration;

/**
 * Outcome feedback settings (the store's own bounds are given to {@link DecisionStore#open}).
 *
 * @param queueCapacity decisions that may wait for the background thread; beyond it they are not
 *     stored (counted)
 * @param maxOutcomesPerRequest most outcomes in one report
 * @param refreshInterval how often performance is recomputed
 * @param window the sliding window per model version
 * @param fairness the monitored groups and the fairness figures' thresholds
 */
public record FeedbackSettings(
    int queueCapacity,
    int maxOutcomesPerRequest,
    Duration refreshInterval,
    PerformanceWindows.Settings window,
    FairnessWindows.Settings fairness) {

  public FeedbackSettings {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("scorer.feedback.queue-capacity must be at least 1");
    }
    if (maxOutcomesPerRequest < 1) {
      throw new IllegalArgumentException(
          "scorer.feedback.max-outcomes-per-request must be at least 1");
    }
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("scorer.feedback.refresh-interval must be positive");
    }
  }
}
