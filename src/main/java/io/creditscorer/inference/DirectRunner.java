package io.creditscorer.inference;

import ai.onnxruntime.OrtException;
import io.creditscorer.error.ScoringException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs inference on the calling thread. For embedding the engine where the caller already owns a
 * worker thread (batch jobs, benchmarks); the HTTP service uses {@link WorkerPoolRunner}.
 */
public final class DirectRunner implements InferenceRunner {

  @Override
  public CompletableFuture<List<Tensor>> run(
      OnnxModel model, List<Tensor> feeds, List<String> outputs) {
    try {
      return CompletableFuture.completedFuture(model.run(feeds, outputs));
    } catch (OrtException e) {
      return CompletableFuture.failedFuture(WorkerPoolRunner.translate(e));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new ScoringException(ScoringException.Kind.INTERNAL, "inference failed: " + e, e));
    }
  }

  @Override
  public void close() {}
}
