package io.creditscorer.scoring;

import java.time.Duration;

/**
 * @param maxRequestRows most rows (applicants, or the first dimension of a tensor) one call may
 *     carry
 * @param creditModel the model the credit-decision API scores with
 * @param defaultTimeout how long a request may take when its caller sets no deadline; a request
 *     still queued after it is answered DEADLINE_EXCEEDED, unrun
 */
public record EngineSettings(int maxRequestRows, String creditModel, Duration defaultTimeout) {

  public EngineSettings {
    if (maxRequestRows < 1) {
      throw new IllegalArgumentException("scorer.inference.max-request-rows must be at least 1");
    }
    if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new IllegalArgumentException("scorer.inference.default-timeout must be positive");
    }
  }
}
