package io.creditscorer.spi;

import io.creditscorer.base.Ticker;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.ModelVersion;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where validated tensors are run: the engine's port to ONNX Runtime. Implementations decide on
 * which thread and with what batching. Every returned future completes — with the outputs, or
 * failed with a {@link io.creditscorer.error.ScoringException} (rejection included, never a throw).
 */
public interface InferenceRunner extends AutoCloseable {

  /**
   * @param feeds one tensor per model input, already validated
   * @param outputs the outputs to compute
   * @param deadline on the engine's {@link Ticker}: a call not started by then fails with
   *     DEADLINE_EXCEEDED and is not run
   */
  CompletableFuture<List<Tensor>> run(
      ModelVersion version, List<Tensor> feeds, List<String> outputs, long deadline);

  /** Frees what the runner holds for a version that is no longer served (and drained). */
  default void release(ModelVersion version) {}

  /** Stops taking calls; every call already accepted is completed. */
  @Override
  void close();
}
