package io.creditscorer.inference;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where validated tensors are run. Implementations decide on which thread and with what batching;
 * every returned future completes, with the outputs or with the failure (rejection included, as a
 * failed future, never a throw).
 */
public interface InferenceRunner extends AutoCloseable {

  CompletableFuture<List<Tensor>> run(OnnxModel model, List<Tensor> feeds, List<String> outputs);

  @Override
  void close();
}
