package io.creditscorer.scoring;

import io.creditscorer.inference.InferenceFailures;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.spi.InferenceRunner;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs inference on the calling thread, with no queue. For embedding the engine where the caller
 * already owns a worker thread (batch jobs, benchmarks); the service uses the micro-batcher.
 */
public final class DirectRunner implements InferenceRunner {

  @Override
  public CompletableFuture<List<Tensor>> run(
      ModelVersion version, List<Tensor> feeds, List<String> outputs, long deadline) {
    try {
      return CompletableFuture.completedFuture(version.model().run(feeds, outputs));
    } catch (Exception e) {
      return CompletableFuture.failedFuture(InferenceFailures.translate(e));
    }
  }

  @Override
  public void close() {}
}
