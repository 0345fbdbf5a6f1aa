package io.creditscorer.features;

import io.creditscorer.base.CircuitBreakers;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link FeatureSource} behind SmallRye Fault Tolerance: each fetch has a timeout, and a circuit
 * breaker stops calling a store that keeps failing, so a slow or dead store costs a request
 * microseconds instead of the timeout. After {@code openFor} one trial call is let through; when it
 * succeeds the circuit closes again: recovery needs nobody. Thread-safe.
 */
public final class GuardedFeatureSource implements FeatureSource {

  /**
   * @param timeout longest wait for one fetch
   * @param windowCalls calls the breaker looks back on
   * @param failureRatio share of failures in that window that opens the circuit
   * @param openFor how long the circuit stays open before a trial call
   */
  public record Settings(
      Duration timeout, int windowCalls, double failureRatio, Duration openFor) {}

  private final TypedGuard<CompletionStage<Map<String, Map<String, Object>>>> guard;
  private final FeatureSource source;
  private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;

  public GuardedFeatureSource(FeatureSource source, String name, Settings settings) {
    this.source = source;
    this.guard =
        CircuitBreakers.standard(
                TypedGuard.create(
                        new TypeLiteral<CompletionStage<Map<String, Map<String, Object>>>>() {})
                    .withDescription(name)
                    .withTimeout()
                    .duration(settings.timeout().toMillis(), ChronoUnit.MILLIS)
                    .done(),
                name,
                settings.windowCalls(),
                settings.failureRatio(),
                settings.openFor())
            .onStateChange(s -> state = s)
            .done()
            .withThreadOffload(false)
            .build();
  }

  /** The breaker's state: CLOSED (normal), OPEN (failing fast) or HALF_OPEN (trying again). */
  public CircuitBreakerState state() {
    return state;
  }

  @Override
  public CompletableFuture<Map<String, Map<String, Object>>> fetch(Collection<String> ids) {
    try {
      return guard.get(() -> source.fetch(ids)).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    source.close();
  }
}
