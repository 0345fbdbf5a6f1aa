package io.creditscorer.app;

import io.creditscorer.inference.SessionSettings;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.RepositorySettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The model repository, from {@code scorer.repository.*} and {@code scorer.onnx.*}. */
@Singleton
public class RepositoryBeans {

  @Produces
  @Singleton
  ModelRepository repository(ScorerConfig config, MeterRegistry registry) {
    ScorerConfig.Onnx onnx = config.onnx();
    ScorerConfig.Repository repo = config.repository();
    ModelRepository repository =
        new ModelRepository(
            new RepositorySettings(
                repo.path(), repo.versionPolicy(), repo.latest(), repo.warmupRuns()),
            new SessionSettings(onnx.intraOpThreads(), onnx.interOpThreads(), onnx.optimization()));
    Gauge.builder("scorer.model.load.failures", repository, r -> r.failures().size())
        .description("Model versions found in the repository that failed to load")
        .register(registry);
    Gauge.builder("scorer.models.ready", repository, r -> r.isReady() ? 1 : 0)
        .description("1 once every model has loaded and warmed up")
        .register(registry);
    // Loading starts as soon as the repository exists, on a thread of its own, so it overlaps the
    // rest of start-up (the gRPC server, the OpenAPI document, the meters) on another core; the
    // start-up observer's loadAll (RepositoryPoller) waits for it, so nothing serves before.
    Thread preload =
        new Thread(
            () -> {
              try {
                repository.loadAll();
              } catch (RuntimeException e) {
                // The start-up observer's loadAll meets the same problem and stops the start with
                // it.
              }
            },
            "model-preload");
    preload.setDaemon(true);
    preload.start();
    return repository;
  }

  void close(@Disposes ModelRepository repository) {
    repository.close();
  }
}
