package io.creditscorer.monitoring;

import io.creditscorer.decision.Decision;
import io.creditscorer.routing.RoutingPolicy;
import io.creditscorer.spi.RequestTracing;
import io.creditscorer.spi.ScoringObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's Micrometer meters. Histograms use fixed buckets (not client-side percentiles) so a
 * p99 can be aggregated across pods. Labels are bounded: model and version come from the
 * repository, never from an unchecked request field.
 *
 * <ul>
 *   <li>{@code scorer_requests_seconds} (histogram): api, model, version, outcome
 *   <li>{@code scorer_rows} (histogram): rows per call, by api, model, version
 *   <li>{@code scorer_decisions_total}: model, version, decision
 *   <li>{@code scorer_shadow_comparisons_total}, {@code scorer_shadow_disagreements_total}
 *       (decision differs), {@code scorer_shadow_delta_percent} (|difference in probability of
 *       default|): model, version (served), shadow; {@code scorer_shadow_failures_total}, {@code
 *       scorer_shadow_dropped_total}
 *   <li>{@code scorer_last_inference_seconds}: model, version; when it last answered a request
 *   <li>{@code scorer_stage_seconds} (histogram): time in one stage of a credit request, by stage,
 *       model and version: {@code feature_lookup} (feature store, only when used), {@code encode}
 *       (validation and encoding), {@code decide} (policy, reason codes, audit record)
 * </ul>
 */
public final class ScoringMetrics implements ScoringObserver {

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
    Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)
  };
  private static final Duration[] STAGE_BUCKETS = {
    Duration.ofNanos(1_000), Duration.ofNanos(5_000), Duration.ofNanos(10_000),
    Duration.ofNanos(25_000), Duration.ofNanos(50_000), Duration.ofNanos(100_000),
    Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
    Duration.ofNanos(2_500_000), Duration.ofMillis(10), Duration.ofMillis(100)
  };
  private static final double[] ROW_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};

  private record Key(String api, String model, String version, String outcome) {}

  private final MeterRegistry registry;
  private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, DistributionSummary> rows = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, Counter> decisions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, DistributionSummary> probabilities =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, VersionMeters>> versions =
      new ConcurrentHashMap<>();
  private final Clock clock;
  private final RequestTracing tracing;

  public ScoringMetrics(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  /**
   * @param clock stamps each version's last inference ({@code scorer_last_inference_seconds})
   */
  public ScoringMetrics(MeterRegistry registry, Clock clock) {
    this(registry, clock, RequestTracing.NONE);
  }

  /**
   * @param tracing also gets every stage, as a span of the request being traced
   */
  public ScoringMetrics(MeterRegistry registry, Clock clock, RequestTracing tracing) {
    this.registry = registry;
    this.clock = clock;
    this.tracing = tracing;
  }

  /** One finished call; {@code outcome} is {@code ok} or an error kind. */
  @Override
  public void request(String api, String model, String version, String outcome, long nanos) {
    timers
        .computeIfAbsent(
            new Key(api, model, version, outcome),
            k ->
                Timer.builder("scorer.requests")
                    .description("Requests by door, model version and outcome")
                    .tags(
                        "api", k.api, "model", k.model, "version", k.version, "outcome", k.outcome)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (OK.equals(outcome)) {
      version(model, version).lastInference.set(clock.millis());
    }
  }

  @Override
  public void rows(String api, String model, String version, int count) {
    rows.computeIfAbsent(
            new Key(api, model, version, ""),
            k ->
                DistributionSummary.builder("scorer.rows")
                    .description("Rows per call")
                    .tags("api", k.api, "model", k.model, "version", k.version)
                    .serviceLevelObjectives(ROW_BUCKETS)
                    .register(registry))
        .record(count);
  }

  /** Time spent in one stage of a request (see the STAGE_ constants), also traced. */
  @Override
  public void stage(String stage, String model, String version, long nanos) {
    version(model, version)
        .stages
        .computeIfAbsent(
            stage,
            st ->
                Timer.builder("scorer.stage")
                    .description("Time in one stage of a credit request")
                    .tags("stage", st, "model", model, "version", version)
                    .serviceLevelObjectives(STAGE_BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    tracing.stage(stage, model, version, nanos);
  }

  /**
   * A version's own meters, found by its model's and version's names without allocating: they are
   * looked up several times in every request.
   */
  private static final class VersionMeters {
    final AtomicLong lastInference = new AtomicLong();
    final ConcurrentHashMap<String, Timer> stages = new ConcurrentHashMap<>();
  }

  private VersionMeters version(String model, String version) {
    return versions
        .computeIfAbsent(model, m -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            version,
            v -> {
              VersionMeters meters = new VersionMeters();
              Gauge.builder("scorer.last.inference", meters.lastInference, l -> l.get() / 1000.0)
                  .description("When the version last answered a request, in seconds since 1970")
                  .baseUnit("seconds")
                  .tags("model", model, "version", v)
                  .register(registry);
              return meters;
            });
  }

  private record ShadowMeters(Counter compared, Counter disagreed, DistributionSummary delta) {}

  private final ConcurrentHashMap<Key, ShadowMeters> shadows = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, Counter> problems = new ConcurrentHashMap<>();

  /** One applicant scored by the shadow version too. */
  @Override
  public void shadow(
      String model, String served, String shadow, boolean disagreed, double deltaPd) {
    ShadowMeters m =
        shadows.computeIfAbsent(
            new Key("credit", model, served, shadow),
            k ->
                new ShadowMeters(
                    Counter.builder("scorer.shadow.comparisons")
                        .description("Applicants also scored by the shadow version")
                        .tags("model", k.model, "version", k.version, "shadow", k.outcome)
                        .register(registry),
                    Counter.builder("scorer.shadow.disagreements")
                        .description("Applicants the shadow version would have decided differently")
                        .tags("model", k.model, "version", k.version, "shadow", k.outcome)
                        .register(registry),
                    DistributionSummary.builder("scorer.shadow.delta")
                        .description(
                            "Absolute difference in probability of default, shadow vs served")
                        .tags("model", k.model, "version", k.version, "shadow", k.outcome)
                        .baseUnit("percent")
                        .scale(100)
                        .serviceLevelObjectives(1, 2, 5, 10, 20, 50)
                        .register(registry)));
    m.compared.increment();
    if (disagreed) {
      m.disagreed.increment();
    }
    m.delta.record(deltaPd);
  }

  /** A request answered by the fallback version because the routed one failed. */
  @Override
  public void fallback(String model, String failed, String fallback) {
    fallbacks(model, failed, fallback).increment();
  }

  /**
   * Exports the fallback counter of a routing policy's named stable and canary versions at zero, so
   * that its rate (and the alert on it) is defined before the first fallback.
   */
  public void fallbackConfigured(String model, RoutingPolicy policy) {
    if (policy.fallback() == null) {
      return;
    }
    for (String routed : new String[] {policy.stable(), policy.canary()}) {
      if (routed != null && !routed.equals(policy.fallback())) {
        fallbacks(model, routed, policy.fallback());
      }
    }
  }

  private Counter fallbacks(String model, String failed, String fallback) {
    return counter(
        "scorer.fallbacks",
        "Requests answered by the fallback version",
        model,
        failed,
        "fallback",
        fallback);
  }

  @Override
  public void shadowFailed(String model, String served, String shadow) {
    problem(
        "scorer.shadow.failures", "Shadow scorings that failed", model, served, "shadow", shadow);
  }

  /** A shadow scoring skipped because its bounded queue was full. */
  @Override
  public void shadowDropped(String model) {
    problem("scorer.shadow.dropped", "Shadow scorings skipped: queue full", model, "", "", "");
  }

  private void problem(
      String name, String description, String model, String v, String label, String other) {
    counter(name, description, model, v, label, other).increment();
  }

  private Counter counter(
      String name, String description, String model, String v, String label, String other) {
    return problems.computeIfAbsent(
        new Key(name, model, v, other),
        k -> {
          Counter.Builder b = Counter.builder(name).description(description).tag("model", model);
          if (!v.isEmpty()) {
            b.tags("version", v, label, other);
          }
          return b.register(registry);
        });
  }

  /**
   * Buckets of the probability of default in percent, 5 points wide. Fractions are recorded as
   * percentages ({@code scale(100)}) because Micrometer's summary histograms count a value in the
   * bucket of its ceiling: bounds must be whole numbers.
   */
  private static final double[] PD_BUCKETS = new double[20];

  static {
    for (int i = 0; i < PD_BUCKETS.length; i++) {
      PD_BUCKETS[i] = 5 * (i + 1);
    }
  }

  /** One credit decision: counted by outcome, and its probability of default into a histogram. */
  @Override
  public void decision(String model, String version, Decision decision, double pd) {
    probabilities
        .computeIfAbsent(
            new Key("credit", model, version, ""),
            k ->
                DistributionSummary.builder("scorer.probability.of.default")
                    .description("Predicted probability of default of each applicant scored")
                    .tags("model", k.model, "version", k.version)
                    .baseUnit("percent")
                    .scale(100)
                    .serviceLevelObjectives(PD_BUCKETS)
                    .register(registry))
        .record(pd);
    decisions
        .computeIfAbsent(
            new Key("credit", model, version, decision.name()),
            k ->
                Counter.builder("scorer.decisions")
                    .description("Credit decisions by outcome")
                    .tags(
                        "model",
                        k.model,
                        "version",
                        k.version,
                        "decision",
                        k.outcome.toLowerCase(Locale.ROOT))
                    .register(registry))
        .increment();
  }
}
