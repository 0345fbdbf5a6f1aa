package io.creditscorer.app;

import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;

/**
 * {@code scorer.fairness.*}: fairness monitoring by group, from group labels reported beside
 * outcomes (never model inputs).
 */
public interface FairnessConfig {

  /**
   * The monitored attributes and their values, e.g. {@code
   * scorer.fairness.attributes.sex=male,female}; none configured: {@code sex} (male, female),
   * {@code age_band} (&lt;25, 25-34, 35-44, 45-54, 55+) and {@code foreign_worker} (yes, no). Any
   * other attribute or value is refused with 400.
   */
  Map<String, List<String>> attributes();

  /** Smallest denominator a figure is reported on; below it the figure is "insufficient". */
  @WithDefault("30")
  int minimumGroupSize();

  /** Largest difference in true positive rates between groups before it is alerted on. */
  @WithDefault("0.1")
  double equalOpportunityThreshold();
}
