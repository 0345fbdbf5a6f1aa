package io.creditscorer.base;

import io.smallrye.faulttolerance.api.TypedGuard;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The service's one circuit-breaker set-up (SmallRye Fault Tolerance): a rolling window of {@code
 * windowCalls} calls, opened when {@code failureRatio} of them failed, open for {@code openFor},
 * then closed again by one successful trial call. Callers add what is theirs (which failures count,
 * a state listener) and finish with {@code done()}.
 */
public final class CircuitBreakers {

  private CircuitBreakers() {}

  /** Starts the breaker of {@code guard} with the common settings. */
  public static <T> TypedGuard.Builder.CircuitBreakerBuilder<T> standard(
      TypedGuard.Builder<T> guard,
      String name,
      int windowCalls,
      double failureRatio,
      Duration openFor) {
    return guard
        .withCircuitBreaker()
        .name(name)
        .requestVolumeThreshold(windowCalls)
        .failureRatio(failureRatio)
        .delay(openFor.toMillis(), ChronoUnit.MILLIS)
        .successThreshold(1);
  }
}
