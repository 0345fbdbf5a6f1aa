package io.creditscorer.batching;

import io.creditscorer.base.Ticker;
import io.creditscorer.inference.OnnxModel;
import io.creditscorer.inference.Tensor;
import io.creditscorer.inference.TensorMeta;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.spi.InferenceRunner;
import io.creditscorer.spi.RequestTracing;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The service's {@link InferenceRunner}: one {@link MicroBatcher} per model version, created on
 * first use with the global defaults overridden by the version's descriptor.
 *
 * <p>A request is completed where it came from: when the caller is an event loop (HTTP or gRPC),
 * the result is handed back to it, so the model runs wherever the batcher runs it — in the loop's
 * own batch or on a dispatch worker — and everything after it (decision, reasons, audit, writing
 * the answer) runs on the caller's loop. A worker hands a whole batch back with one wake-up of each
 * loop instead of one per request. Thread-safe.
 */
public final class BatchingRunner implements InferenceRunner {

  private final BatchSettings defaults;
  private final Ticker ticker;
  private final MeterRegistry registry;
  private final Supplier<Executor> caller;
  private final RequestTracing tracing;
  private final Map<OnnxModel, MicroBatcher> batchers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Completes every request on the dispatch worker that ran it. */
  public BatchingRunner(BatchSettings defaults, Ticker ticker, MeterRegistry registry) {
    this(defaults, ticker, registry, () -> null);
  }

  /**
   * @param caller the executor of the calling event loop, which runs tasks later on that thread:
   *     requests from it join the loop's batch and complete on it; {@code null} when the caller is
   *     no event loop (its request completes where the model ran)
   */
  public BatchingRunner(
      BatchSettings defaults, Ticker ticker, MeterRegistry registry, Supplier<Executor> caller) {
    this(defaults, ticker, registry, caller, RequestTracing.NONE);
  }

  /**
   * @param tracing traces every inference run and the requests' waits before it
   */
  public BatchingRunner(
      BatchSettings defaults,
      Ticker ticker,
      MeterRegistry registry,
      Supplier<Executor> caller,
      RequestTracing tracing) {
    this.tracing = tracing;
    this.defaults = defaults;
    this.ticker = ticker;
    this.registry = registry;
    this.caller = caller;
  }

  @Override
  public CompletableFuture<List<Tensor>> run(
      ModelVersion version, List<Tensor> feeds, List<String> outputs, long deadline) {
    MicroBatcher batcher = batchers.computeIfAbsent(version.model(), m -> create(version));
    if (closed) {
      batcher.close();
    }
    boolean batchable = concatenable(version);
    int rows = batchable ? (int) feeds.get(0).shape()[0] : 1;
    Executor back = caller.get();
    CompletableFuture<List<Tensor>> done = batcher.submit(feeds, outputs, rows, deadline, back);
    if (back == null || done.isDone()) {
      return done;
    }
    // whenCompleteAsync (unlike thenApplyAsync) hands failures back to the caller too
    CompletableFuture<List<Tensor>> handedBack = new CompletableFuture<>();
    done.whenCompleteAsync(
        (result, failure) -> {
          if (failure != null) {
            handedBack.completeExceptionally(failure);
          } else {
            handedBack.complete(result);
          }
        },
        back);
    return handedBack;
  }

  /** The settings a version runs with. */
  public BatchSettings settingsFor(ModelVersion version) {
    return defaults.with(version.batching());
  }

  private MicroBatcher create(ModelVersion version) {
    OnnxModel model = version.model();
    return new MicroBatcher(
        version.id(),
        settingsFor(version),
        concatenable(version),
        model::run,
        ticker,
        registry,
        version.name(),
        version.version(),
        tracing);
  }

  /**
   * Requests can share a call when every input and output has a variable first dimension and fixed
   * others: then rows concatenate and split without ambiguity.
   */
  static boolean concatenable(ModelVersion version) {
    return batchDimensionOnly(version.inputs()) && leadingVariable(version.outputs());
  }

  private static boolean batchDimensionOnly(List<TensorMeta> metas) {
    for (TensorMeta m : metas) {
      long[] s = m.shape();
      if (s.length == 0 || s[0] >= 0) {
        return false;
      }
      for (int i = 1; i < s.length; i++) {
        if (s[i] < 0) {
          return false;
        }
      }
    }
    return !metas.isEmpty();
  }

  private static boolean leadingVariable(List<TensorMeta> metas) {
    for (TensorMeta m : metas) {
      if (m.shape().length == 0 || m.shape()[0] >= 0) {
        return false;
      }
    }
    return true;
  }

  /** Closes the batcher of a version that is no longer served. */
  @Override
  public void release(ModelVersion version) {
    MicroBatcher b = batchers.remove(version.model());
    if (b != null) {
      b.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    batchers.values().forEach(MicroBatcher::close);
    batchers.clear();
  }
}
