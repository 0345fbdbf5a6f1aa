package io.creditscorer.scoring;

import io.creditscorer.base.CircuitBreakers;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.OnnxModel;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.spi.InferenceRunner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * A circuit breaker per model version (SmallRye Fault Tolerance) around another runner. Only the
 * model's own failures count (INTERNAL: the runtime threw); bad input, overload and deadlines do
 * not. When a version keeps failing its circuit opens and calls fail at once with UNAVAILABLE (503)
 * naming the version, until a trial call after {@code openFor} succeeds. The timeout is each
 * request's deadline and the bulkhead is the micro-batcher's bounded queue and worker count, both
 * enforced by the runner underneath. Thread-safe.
 *
 * <p>Meter: {@code scorer_circuit_open{model,version}}, 1 while a version's circuit is open or
 * half-open (trial calls only), 0 when closed; read from the breaker at each scrape, so it costs
 * the calls nothing (SmallRye's own per-call {@code ft_*} meters are off: they look their meters up
 * on every call; docs/BENCHMARKS.md, "Design choices and their measured cost"). A version loaded
 * again under the same number keeps one gauge, which follows its newest breaker.
 */
public final class GuardedRunner implements InferenceRunner {

  /**
   * @param windowCalls calls the breaker looks back on
   * @param failureRatio share of model failures in that window that opens the circuit
   * @param openFor how long it stays open before a trial call
   */
  public record Settings(int windowCalls, double failureRatio, Duration openFor) {}

  private record Guarded(TypedGuard<CompletionStage<List<Tensor>>> guard, String breaker) {}

  /** A version's gauge and the breaker it reads (the newest guard's of that model and version). */
  private record Watched(Gauge gauge, AtomicReference<String> breaker) {}

  private final InferenceRunner runner;
  private final Settings settings;
  private final MeterRegistry registry;
  private final Map<OnnxModel, Guarded> guards = new ConcurrentHashMap<>();
  private final Map<String, Watched> watched = new ConcurrentHashMap<>();

  public GuardedRunner(InferenceRunner runner, Settings settings, MeterRegistry registry) {
    this.runner = runner;
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public CompletableFuture<List<Tensor>> run(
      ModelVersion version, List<Tensor> feeds, List<String> outputs, long deadline) {
    TypedGuard<CompletionStage<List<Tensor>>> guard =
        guards.computeIfAbsent(version.model(), m -> guard(version)).guard();
    CompletableFuture<List<Tensor>> result;
    try {
      result = guard.get(() -> runner.run(version, feeds, outputs, deadline)).toCompletableFuture();
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.exceptionallyCompose(
        e -> CompletableFuture.failedFuture(translate(version, unwrap(e))));
  }

  private Throwable translate(ModelVersion version, Throwable e) {
    if (e instanceof CircuitBreakerOpenException) {
      return ScoringException.unavailable(
          "model "
              + version.id()
              + " keeps failing: its circuit breaker is open for "
              + settings.openFor().toMillis()
              + " ms before a trial call; retry later or pin another version",
          e);
    }
    return e;
  }

  private Guarded guard(ModelVersion version) {
    String name = "inference-" + version.id() + "-" + System.identityHashCode(version.model());
    TypedGuard<CompletionStage<List<Tensor>>> guard =
        CircuitBreakers.standard(
                TypedGuard.create(new TypeLiteral<CompletionStage<List<Tensor>>>() {})
                    .withDescription("inference " + version.id()),
                name,
                settings.windowCalls(),
                settings.failureRatio(),
                settings.openFor())
            .when(GuardedRunner::isModelFailure)
            .done()
            // The call and its completion stay on the calling thread. Without an offload, SmallRye
            // remembers the caller's Vert.x context and hands every completion back to it as a
            // new event-loop task, wrapped for context propagation: one more task per request.
            .withThreadOffload(true)
            .withThreadOffloadExecutor(Runnable::run)
            .build();
    watched
        .computeIfAbsent(version.id(), id -> watch(version, new AtomicReference<>(name)))
        .breaker()
        .set(name);
    return new Guarded(guard, name);
  }

  private Watched watch(ModelVersion version, AtomicReference<String> breaker) {
    Gauge gauge =
        Gauge.builder(
                "scorer.circuit.open",
                () -> {
                  CircuitBreakerState state =
                      CircuitBreakerMaintenance.get().currentState(breaker.get());
                  return state == CircuitBreakerState.CLOSED ? 0 : 1;
                })
            .description("1 while the model version's circuit breaker is open or half-open, else 0")
            .tags("model", version.name(), "version", version.version())
            .register(registry);
    return new Watched(gauge, breaker);
  }

  /** Whether a failure is the model's own (the runtime threw), not the caller's or the load's. */
  public static boolean isModelFailure(Throwable e) {
    Throwable t = unwrap(e);
    return t instanceof ScoringException s && s.kind() == ScoringException.Kind.INTERNAL;
  }

  /**
   * Whether a failure means the version is unusable right now: it failed, or its circuit is open.
   */
  public static boolean isModelOutage(Throwable e) {
    Throwable t = unwrap(e);
    return isModelFailure(t) || t.getCause() instanceof CircuitBreakerOpenException;
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  @Override
  public void release(ModelVersion version) {
    Guarded g = guards.remove(version.model());
    if (g != null) {
      Watched w = watched.get(version.id());
      if (w != null
          && w.breaker().get().equals(g.breaker())
          && watched.remove(version.id(), w)) { // no newer load of this version took it over
        registry.remove(w.gauge());
      }
    }
    runner.release(version);
  }

  @Override
  public void close() {
    runner.close();
  }
}
