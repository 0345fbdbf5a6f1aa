package io.creditscorer.feedback;

import io.creditscorer.decision.Decision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Outcome feedback meters. Gauges read the latest computed report, so a scrape never computes; they
 * read NaN until a version's figure is defined. Labels are bounded: model and version come from
 * stored decisions (made by the repository's versions), result and decision from enums.
 *
 * <ul>
 *   <li>{@code scorer_outcome_auc}, {@code scorer_outcome_brier}, {@code
 *       scorer_outcome_calibration_error}, {@code scorer_outcome_default_rate}, {@code
 *       scorer_outcome_window_outcomes} (outcomes in the window): model, version
 *   <li>{@code scorer_outcome_bad_rate}: model, version, decision
 *   <li>{@code scorer_outcome_stable}: model, version; 1 for the stable version
 *   <li>{@code scorer_outcomes_total}: result
 *   <li>{@code scorer_decision_store_entries}, {@code scorer_decision_store_outcomes}, {@code
 *       scorer_decision_store_evicted_total}, {@code scorer_decision_store_refused_total}
 *   <li>{@code scorer_decision_store_pending}, {@code scorer_decision_store_pending_capacity}: the
 *       queue of decisions not yet written, and its bound
 * </ul>
 */
final class FeedbackMetrics {

  private record Key(String model, String version) {}

  private final MeterRegistry registry;
  private final Supplier<PerformanceWindows.Report> report;
  private final Set<Key> registered = ConcurrentHashMap.newKeySet();
  private final Map<OutcomeResult.Result, Counter> results =
      new EnumMap<>(OutcomeResult.Result.class);
  private final Counter refused;
  private final Counter writeFailures;

  FeedbackMetrics(
      MeterRegistry registry,
      DecisionStore store,
      Supplier<PerformanceWindows.Report> report,
      ArrayBlockingQueue<?> pending) {
    this.registry = registry;
    this.report = report;
    for (OutcomeResult.Result r : OutcomeResult.Result.values()) {
      results.put(
          r,
          Counter.builder("scorer.outcomes")
              .description("Reported outcomes by what became of them")
              .tag("result", r.wireName())
              .register(registry));
    }
    Gauge.builder("scorer.decision.store.entries", store, DecisionStore::size)
        .description("Decisions kept for joining outcomes")
        .register(registry);
    Gauge.builder("scorer.decision.store.outcomes", store, DecisionStore::outcomes)
        .description("Kept decisions that have an outcome")
        .register(registry);
    FunctionCounter.builder("scorer.decision.store.evicted", store, DecisionStore::evicted)
        .description("Decisions evicted (oldest first) to stay within the store's bounds")
        .register(registry);
    refused =
        Counter.builder("scorer.decision.store.refused")
            .description(
                "Decisions not issued (503) because the queue of decisions not yet written was"
                    + " full")
            .register(registry);
    Gauge.builder("scorer.decision.store.pending", pending, ArrayBlockingQueue::size)
        .description("Decisions queued for the decision store, not yet written")
        .register(registry);
    Gauge.builder(
            "scorer.decision.store.pending.capacity",
            pending,
            q -> q.size() + q.remainingCapacity())
        .description("Decisions the queue holds at most; when full, credit requests get 503")
        .register(registry);
    writeFailures =
        Counter.builder("scorer.decision.store.write.failures")
            .description(
                "Calls to the decision store that failed (a full disk, Redis down); outcomes are"
                    + " then refused with 503 until a call succeeds")
            .register(registry);
  }

  void writeFailed() {
    writeFailures.increment();
  }

  void result(OutcomeResult.Result r) {
    results.get(r).increment();
  }

  void refused() {
    refused.increment();
  }

  /** Registers the version's gauges the first time it is seen. */
  void version(String model, String version) {
    if (!registered.add(new Key(model, version))) {
      return;
    }
    gauge("scorer.outcome.auc", "ROC AUC of the window", model, version, p -> p.auc());
    gauge("scorer.outcome.brier", "Brier score of the window", model, version, p -> p.brier());
    gauge(
        "scorer.outcome.calibration.error",
        "Expected calibration error of the window",
        model,
        version,
        p -> p.calibrationError());
    gauge(
        "scorer.outcome.default.rate",
        "Observed default rate of the window",
        model,
        version,
        p -> p.defaultRate());
    gauge(
        "scorer.outcome.window.outcomes",
        "Outcomes in the window",
        model,
        version,
        p -> p.outcomes());
    gauge(
        "scorer.outcome.stable",
        "1 for the model's stable version, 0 for others",
        model,
        version,
        p -> p.stable() ? 1 : 0);
    for (Decision d : Decision.values()) {
      String decision = d.wireName();
      Gauge.builder(
              "scorer.outcome.bad.rate",
              () ->
                  value(
                      model,
                      version,
                      p ->
                          p.byDecision().stream()
                              .filter(b -> b.decision().equals(decision))
                              .mapToDouble(PerformanceWindows.DecisionBand::badRate)
                              .findFirst()
                              .orElse(Double.NaN)))
          .description("Observed default rate of the window's loans with this decision")
          .tags("model", model, "version", version, "decision", decision)
          .register(registry);
    }
  }

  private void gauge(
      String name,
      String description,
      String model,
      String version,
      ToDoubleFunction<PerformanceWindows.VersionPerformance> figure) {
    Gauge.builder(name, () -> value(model, version, figure))
        .description(description)
        .tags("model", model, "version", version)
        .register(registry);
  }

  private double value(
      String model,
      String version,
      ToDoubleFunction<PerformanceWindows.VersionPerformance> figure) {
    PerformanceWindows.Report r = report.get();
    if (r == null) {
      return Double.NaN;
    }
    for (PerformanceWindows.VersionPerformance p : r.versions()) {
      if (p.model().equals(model) && p.version().equals(version)) {
        return figure.applyAsDouble(p);
      }
    }
    return Double.NaN;
  }
}
