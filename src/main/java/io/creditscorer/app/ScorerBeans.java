package io.creditscorer.app;

import ai.onnxruntime.OrtEnvironment;
import io.creditscorer.batching.BatchSettings;
import io.creditscorer.batching.BatchingRunner;
import io.creditscorer.feedback.DecisionStore;
import io.creditscorer.feedback.FeedbackSettings;
import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.feedback.PerformanceWindows;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.monitoring.DriftMonitor;
import io.creditscorer.monitoring.LogAuditSink;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.RepositorySettings;
import io.creditscorer.scoring.AuditSink;
import io.creditscorer.scoring.DecisionListener;
import io.creditscorer.scoring.EngineSettings;
import io.creditscorer.scoring.InferenceRunner;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.scoring.Ticker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * Builds the framework-free engine from configuration: one ONNX Runtime environment, one
 * repository, one runner (the micro-batchers), one engine. Native resources are closed when the
 * application stops: the runner first (queued requests are answered), then the sessions.
 */
@Singleton
public class ScorerBeans {

  private AutoCloseable driftThread;

  @Produces
  @Singleton
  ModelRepository repository(ScorerConfig config) {
    ScorerConfig.Onnx onnx = config.onnx();
    ScorerConfig.Repository repo = config.repository();
    return new ModelRepository(
        new RepositorySettings(repo.path(), repo.versionPolicy(), repo.latest(), repo.warmupRuns()),
        OrtEnvironment.getEnvironment(),
        new SessionSettings(onnx.intraOpThreads(), onnx.interOpThreads(), onnx.optimization()));
  }

  @Produces
  @Singleton
  InferenceRunner runner(ScorerConfig config, MeterRegistry registry) {
    ScorerConfig.Batching b = config.batching();
    return new BatchingRunner(
        new BatchSettings(
            b.enabled(),
            b.maxBatchRows(),
            b.maxDelayMicros(),
            b.workers().orElse(Runtime.getRuntime().availableProcessors()),
            b.queueCapacity()),
        Ticker.system(),
        registry);
  }

  @Produces
  @Singleton
  ScoringEngine engine(
      ModelRepository repository,
      InferenceRunner runner,
      ScorerConfig config,
      MeterRegistry registry,
      OutcomeFeedback feedback) {
    ScorerConfig.Credit credit = config.credit();
    ScorerConfig.Credit.Policy policy = credit.policy();
    return new ScoringEngine(
        repository,
        runner,
        new EngineSettings(
            config.inference().maxRequestRows(),
            credit.model(),
            config.inference().defaultTimeout(),
            credit.reasonCount(),
            new EngineSettings.PolicyOverride(
                policy.version().orElse(null),
                boxed(policy.approveBelow()),
                boxed(policy.declineAtOrAbove()),
                boxed(policy.maxAutoApproveAmount())),
            credit.idempotency().window(),
            credit.idempotency().maxKeys()),
        new ScoringMetrics(registry),
        Ticker.system(),
        audit(new LogAuditSink(Clock.systemUTC()), feedback),
        drift(config.drift(), registry));
  }

  /** Every decision goes to the audit log, then to the decision store's queue. */
  private static AuditSink audit(LogAuditSink log, OutcomeFeedback feedback) {
    return record -> {
      log.record(record);
      feedback.record(record);
    };
  }

  /**
   * The decision store (replayed from its file) and outcome feedback, with its background thread
   * (every 10 ms). The stable version is the configured one, or the one requests get by default.
   */
  @Produces
  @Singleton
  OutcomeFeedback feedback(
      ScorerConfig config, ModelRepository repository, MeterRegistry registry) {
    ScorerConfig.Feedback fb = config.feedback();
    DecisionStore store =
        DecisionStore.open(
            fb.store().path(), fb.store().maxEntries(), fb.store().retention(), Clock.systemUTC());
    String creditModel = config.credit().model();
    OutcomeFeedback feedback =
        new OutcomeFeedback(
            store,
            new FeedbackSettings(
                fb.queueCapacity(),
                fb.maxOutcomesPerRequest(),
                fb.refreshInterval(),
                new PerformanceWindows.Settings(
                    fb.windowOutcomes(), fb.windowDuration(), fb.calibrationBands())),
            Clock.systemUTC(),
            (model, version) ->
                model.equals(creditModel) && version.equals(stableVersion(fb, repository, model)),
            registry);
    feedback.start(Duration.ofMillis(10));
    return feedback;
  }

  /** The configured stable version, or the one requests naming no version get (its latest). */
  private static String stableVersion(
      ScorerConfig.Feedback fb, ModelRepository repository, String model) {
    return fb.stableVersion()
        .orElseGet(() -> repository.model(model).map(m -> m.latest().version()).orElse(null));
  }

  /** Drift windows, processed by one background thread every 10 ms, or nothing. */
  private DecisionListener drift(ScorerConfig.Drift drift, MeterRegistry registry) {
    if (!drift.enabled()) {
      return DecisionListener.none();
    }
    DriftMonitor monitor = new DriftMonitor(drift.windowRows(), drift.queueCapacity(), registry);
    driftThread = monitor.start(Duration.ofMillis(10));
    return monitor;
  }

  @PreDestroy
  void stopDrift() throws Exception {
    if (driftThread != null) {
      driftThread.close();
    }
  }

  private static Double boxed(OptionalDouble value) {
    return value.isPresent() ? value.getAsDouble() : null;
  }

  /**
   * Loads and warms every model before the service reports ready; then opens the decision store
   * (replaying its file at start-up, not on the first request) and computes performance once the
   * stable versions are known.
   */
  void onStart(
      @Observes StartupEvent event,
      ModelRepository repository,
      MeterRegistry registry,
      OutcomeFeedback feedback) {
    repository.loadAll();
    feedback.refresh();
    Gauge.builder("scorer.model.load.failures", repository, r -> r.failures().size())
        .description("Model versions found in the repository that failed to load")
        .register(registry);
    Gauge.builder("scorer.models.ready", repository, r -> r.isReady() ? 1 : 0)
        .description("1 once every model has loaded and warmed up")
        .register(registry);
  }

  /** Stores what is queued and closes the decision store's file. */
  void closeFeedback(@Disposes OutcomeFeedback feedback) {
    feedback.close();
  }

  void closeRunner(@Disposes InferenceRunner runner) {
    runner.close();
  }

  void closeRepository(@Disposes ModelRepository repository) {
    repository.close();
  }
}
