package io.creditscorer.app;

import ai.onnxruntime.OrtEnvironment;
import io.creditscorer.batching.BatchSettings;
import io.creditscorer.batching.BatchingRunner;
import io.creditscorer.control.ApiKeys;
import io.creditscorer.features.FeatureSource;
import io.creditscorer.features.FeatureStore;
import io.creditscorer.features.GuardedFeatureSource;
import io.creditscorer.features.NearCacheFeatureStore;
import io.creditscorer.features.RedisFeatureSource;
import io.creditscorer.features.SnapshotFeatureStore;
import io.creditscorer.feedback.DecisionStore;
import io.creditscorer.feedback.FeedbackSettings;
import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.feedback.PerformanceWindows;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.journal.RotatingFile;
import io.creditscorer.monitoring.DriftMonitor;
import io.creditscorer.monitoring.LogAuditSink;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.RepositorySettings;
import io.creditscorer.routing.Router;
import io.creditscorer.routing.RoutingPolicy;
import io.creditscorer.scoring.AuditSink;
import io.creditscorer.scoring.DecisionListener;
import io.creditscorer.scoring.EngineSettings;
import io.creditscorer.scoring.GuardedRunner;
import io.creditscorer.scoring.InferenceRunner;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.scoring.Ticker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
  private ScheduledExecutorService poller;
  private LogAuditSink auditLog;

  /** Shadow scorings wait here for one background thread; beyond 1,024 they are skipped. */
  private final ThreadPoolExecutor shadowExecutor =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(1024),
          r -> {
            Thread t = new Thread(r, "shadow-scoring");
            t.setDaemon(true);
            return t;
          });

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

  /**
   * The calling event loop's Vert.x context (of the HTTP or gRPC server) as an executor, or {@code
   * null} on any other thread. Once its loop has shut down, work runs in place.
   */
  private static Executor callerContext() {
    Context context = Vertx.currentContext();
    if (context == null || !Context.isOnEventLoopThread()) {
      return null;
    }
    return command -> {
      try {
        context.runOnContext(ignored -> command.run());
      } catch (RejectedExecutionException loopClosed) {
        command.run();
      }
    };
  }

  @Produces
  @Singleton
  InferenceRunner runner(ScorerConfig config, MeterRegistry registry) {
    ScorerConfig.Batching b = config.batching();
    ScorerConfig.Inference i = config.inference();
    return new GuardedRunner(
        new BatchingRunner(
            new BatchSettings(
                b.enabled(),
                b.maxBatchRows(),
                b.maxDelayMicros(),
                b.workers().orElse(Runtime.getRuntime().availableProcessors()),
                b.queueCapacity(),
                b.callerRuns()),
            Ticker.system(),
            registry,
            ScorerBeans::callerContext),
        new GuardedRunner.Settings(i.circuitWindow(), i.circuitFailureRatio(), i.circuitOpenFor()),
        registry);
  }

  @Produces
  @Singleton
  ApiKeys controlKeys(ScorerConfig config) {
    return new ApiKeys(
        config.control().adminKeys().orElse(List.of()),
        config.control().viewerKeys().orElse(List.of()));
  }

  @Produces
  @Singleton
  Router router(ScorerConfig config, MeterRegistry registry) {
    Map<String, RoutingPolicy> policies = new HashMap<>();
    config
        .routing()
        .forEach(
            (model, r) -> {
              try {
                policies.put(
                    model,
                    new RoutingPolicy(
                        r.stable().orElse(null),
                        r.canary().orElse(null),
                        r.canaryPercent(),
                        r.shadow().orElse(null),
                        r.shadowPercent(),
                        r.fallback().orElse(null)));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    "scorer.routing.\"" + model + "\": " + e.getMessage(), e);
              }
            });
    return new Router(policies, new ScoringMetrics(registry)::fallbackConfigured);
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
    Gauge.builder("scorer.feature.store.healthy", store, s -> s.healthy() ? 1 : 0)
        .description("1 while the feature store answers; 0: degraded (id-only requests get 503)")
        .tag("store", f.store().name())
        .register(registry);
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
      Router router,
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
        audit(auditLog(config.audit(), registry), feedback),
        drift(config.drift(), registry),
        features,
        router,
        shadowExecutor);
  }

  private LogAuditSink auditLog(ScorerConfig.Audit audit, MeterRegistry registry) {
    RotatingFile file =
        RotatingFile.open(
            audit.path(),
            audit.maxFileSize().asLongValue(),
            audit.maxBackups(),
            "the audit log (scorer.audit.path)");
    auditLog =
        LogAuditSink.start(
            Clock.systemUTC(),
            file,
            audit.queueCapacity(),
            audit.interval(),
            audit.maxWait(),
            registry);
    return auditLog;
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
  void stopBackgroundWork() throws Exception {
    if (poller != null) {
      poller.shutdownNow();
    }
    shadowExecutor.shutdownNow();
    if (driftThread != null) {
      driftThread.close();
    }
    if (auditLog != null) {
      auditLog.close();
    }
  }

  private static Double boxed(OptionalDouble value) {
    return value.isPresent() ? value.getAsDouble() : null;
  }

  /**
   * Loads and warms every model before the service reports ready; then opens the decision store
   * (replaying its file at start-up, not on the first request), computes performance once the
   * stable versions are known, and polls the repository for changes.
   */
  void onStart(
      @Observes StartupEvent event,
      ModelRepository repository,
      InferenceRunner runner,
      ScorerConfig config,
      MeterRegistry registry,
      OutcomeFeedback feedback) {
    // A retired version is drained on the thread that answers its last request: free its
    // batcher elsewhere, never from one of that batcher's own workers.
    repository.onRetired(v -> CompletableFuture.runAsync(() -> runner.release(v)));
    repository.loadAll();
    feedback.refresh();
    Duration poll = config.repository().pollInterval();
    if (!poll.isZero() && !poll.isNegative()) {
      poller =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "model-repository-poll");
                t.setDaemon(true);
                return t;
              });
      poller.scheduleWithFixedDelay(
          () -> {
            try {
              repository.reload();
            } catch (RuntimeException e) {
              LOG.errorf("Repository scan failed: %s", e.getMessage());
            }
          },
          poll.toMillis(),
          poll.toMillis(),
          TimeUnit.MILLISECONDS);
    }
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
