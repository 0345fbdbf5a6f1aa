package io.creditscorer.app;

import ai.onnxruntime.OrtEnvironment;
import io.creditscorer.batching.BatchSettings;
import io.creditscorer.batching.BatchingRunner;
import io.creditscorer.features.FeatureSource;
import io.creditscorer.features.FeatureStore;
import io.creditscorer.features.GuardedFeatureSource;
import io.creditscorer.features.NearCacheFeatureStore;
import io.creditscorer.features.RedisFeatureSource;
import io.creditscorer.features.SnapshotFeatureStore;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.monitoring.DriftMonitor;
import io.creditscorer.monitoring.LogAuditSink;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.RepositorySettings;
import io.creditscorer.scoring.DecisionListener;
import io.creditscorer.scoring.EngineSettings;
import io.creditscorer.scoring.InferenceRunner;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.scoring.Ticker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.ForkJoinPool;
import org.jboss.logging.Logger;

/**
 * Builds the framework-free engine from configuration: one ONNX Runtime environment, one
 * repository, one runner (the micro-batchers), one engine. Native resources are closed when the
 * application stops: the runner first (queued requests are answered), then the sessions.
 */
@Singleton
public class ScorerBeans {

  private static final Logger LOG = Logger.getLogger(ScorerBeans.class);

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

  /** The feature store chosen by {@code scorer.features.store}. */
  @Produces
  @Singleton
  FeatureStore features(ScorerConfig config, Vertx vertx, MeterRegistry registry) {
    ScorerConfig.Features f = config.features();
    FeatureStore store =
        switch (f.store()) {
          case none -> FeatureStore.none();
          case snapshot -> {
            try {
              yield SnapshotFeatureStore.load(f.snapshot(), Ticker.system());
            } catch (IOException | UncheckedIOException e) {
              throw new IllegalStateException(
                  "scorer.features.snapshot: cannot read "
                      + f.snapshot().toAbsolutePath()
                      + " ("
                      + e.getMessage()
                      + "); point it at a snapshot file, or set scorer.features.store=none",
                  e);
            }
          }
          case redis -> {
            ScorerConfig.Features.Redis r = f.redis();
            ScorerConfig.Features.Cache c = f.cache();
            FeatureSource redis =
                new GuardedFeatureSource(
                    new RedisFeatureSource(vertx, r.url(), r.keyPrefix(), r.poolSize()),
                    "feature-store",
                    new GuardedFeatureSource.Settings(
                        r.timeout(),
                        r.circuitWindow(),
                        r.circuitFailureRatio(),
                        r.circuitOpenFor()));
            yield new NearCacheFeatureStore(
                redis,
                "redis " + r.url(),
                new NearCacheFeatureStore.Settings(
                    c.maxSize(), c.ttl(), c.refreshAfter(), c.absentTtl()),
                Ticker.system(),
                ForkJoinPool.commonPool(),
                registry);
          }
        };
    LOG.infof("Feature store: %s", store.describe());
    return store;
  }

  void closeFeatures(@Disposes FeatureStore store) {
    store.close();
  }

  @Produces
  @Singleton
  ScoringEngine engine(
      ModelRepository repository,
      InferenceRunner runner,
      FeatureStore features,
      ScorerConfig config,
      MeterRegistry registry) {
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
        new LogAuditSink(Clock.systemUTC()),
        drift(config.drift(), registry),
        features);
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

  /** Loads and warms every model before the service reports ready. */
  void onStart(@Observes StartupEvent event, ModelRepository repository, MeterRegistry registry) {
    repository.loadAll();
    Gauge.builder("scorer.model.load.failures", repository, r -> r.failures().size())
        .description("Model versions found in the repository that failed to load")
        .register(registry);
    Gauge.builder("scorer.models.ready", repository, r -> r.isReady() ? 1 : 0)
        .description("1 once every model has loaded and warmed up")
        .register(registry);
  }

  void closeRunner(@Disposes InferenceRunner runner) {
    runner.close();
  }

  void closeRepository(@Disposes ModelRepository repository) {
    repository.close();
  }
}
