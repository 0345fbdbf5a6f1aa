package io.creditscorer.app;

import io.creditscorer.base.Ticker;
import io.creditscorer.batching.BatchSettings;
import io.creditscorer.batching.BatchingRunner;
import io.creditscorer.repository.ModelConfigurations;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.scoring.GuardedRunner;
import io.creditscorer.spi.InferenceRunner;
import io.creditscorer.spi.RequestTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The runner every inference goes through: a circuit breaker per version in front of the
 * micro-batchers ({@code scorer.batching.*}, {@code scorer.inference.circuit-*}). Closed before the
 * repository, so queued requests are answered while their sessions are still open.
 */
@Singleton
public class InferenceBeans {

  @Produces
  @Singleton
  InferenceRunner runner(ScorerConfig config, MeterRegistry registry, RequestTracing tracing) {
    ScorerConfig.Inference i = config.inference();
    return new GuardedRunner(
        new BatchingRunner(
            batchSettings(config),
            Ticker.system(),
            registry,
            InferenceBeans::callerContext,
            tracing),
        new GuardedRunner.Settings(i.circuitWindow(), i.circuitFailureRatio(), i.circuitOpenFor()),
        registry);
  }

  /** Versions' configurations as Triton's model configuration extension shows them. */
  @Produces
  @Singleton
  ModelConfigurations configurations(ScorerConfig config, ModelRepository repository) {
    BatchSettings b = batchSettings(config);
    return new ModelConfigurations(
        repository,
        repository.settings(),
        new ModelConfigurations.Serving(
            config.inference().maxRequestRows(),
            b.enabled(),
            b.maxBatchRows(),
            b.maxDelayMicros(),
            b.workers()));
  }

  private static BatchSettings batchSettings(ScorerConfig config) {
    ScorerConfig.Batching b = config.batching();
    return new BatchSettings(
        b.enabled(),
        b.maxBatchRows(),
        b.maxDelayMicros(),
        b.workers().orElse(Runtime.getRuntime().availableProcessors()),
        b.queueCapacity(),
        b.callerRuns());
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

  void close(@Disposes InferenceRunner runner) {
    runner.close();
  }
}
