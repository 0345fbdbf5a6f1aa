package io.creditscorer.app;

import io.creditscorer.base.BackgroundLoop;
import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.spi.InferenceRunner;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Start-up and hot reload: loads and warms every model before the service reports ready, computes
 * realised performance once the stable versions are known, then scans the repository every {@code
 * scorer.repository.poll-interval} for new, replaced or removed versions.
 */
@Singleton
public class RepositoryPoller {

  private BackgroundLoop poll;

  void onStart(
      @Observes StartupEvent event,
      ModelRepository repository,
      InferenceRunner runner,
      ScorerConfig config,
      OutcomeFeedback feedback) {
    // A retired version is drained on the thread that answers its last request: free its
    // batcher elsewhere, never from one of that batcher's own workers.
    repository.onRetired(v -> CompletableFuture.runAsync(() -> runner.release(v)));
    repository.loadAll();
    feedback.refresh();
    Duration interval = config.repository().pollInterval();
    if (!interval.isZero() && !interval.isNegative()) {
      poll = BackgroundLoop.start("model-repository-poll", interval, repository::reload);
    }
  }

  @PreDestroy
  void stop() {
    if (poll != null) {
      poll.close();
    }
  }
}
