package io.creditscorer.inference;

import ai.onnxruntime.OrtException;
import io.creditscorer.error.ScoringException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each call on a fixed pool of inference workers behind a bounded queue. The queue's {@code
 * offer} is the admission check: when it is full the call fails at once with OVERLOADED instead of
 * waiting. Request threads (the HTTP event loop) never run native code.
 */
public final class WorkerPoolRunner implements InferenceRunner {

  private final ThreadPoolExecutor pool;

  public WorkerPoolRunner(int workers, int queueCapacity) {
    if (workers < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException(
          "scorer.inference.workers and queue-capacity must be at least 1");
    }
    AtomicInteger ids = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            workers,
            workers,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            r -> {
              Thread t = new Thread(r, "inference-" + ids.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  @Override
  public CompletableFuture<List<Tensor>> run(
      OnnxModel model, List<Tensor> feeds, List<String> outputs) {
    Call call = new Call(model, feeds, outputs);
    try {
      pool.execute(call);
    } catch (RejectedExecutionException e) {
      call.result.completeExceptionally(
          ScoringException.overloaded(
              pool.isShutdown()
                  ? "the service is shutting down"
                  : "inference queue is full ("
                      + pool.getQueue().size()
                      + " waiting); retry shortly"));
    }
    return call.result;
  }

  /** Calls waiting for a worker. */
  public int queued() {
    return pool.getQueue().size();
  }

  static ScoringException translate(OrtException e) {
    if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
      return new ScoringException(
          ScoringException.Kind.INVALID_INPUT,
          "the model rejected the input: " + e.getMessage(),
          e);
    }
    return new ScoringException(
        ScoringException.Kind.INTERNAL, "inference failed: " + e.getMessage(), e);
  }

  /** Stops taking work, lets queued calls finish, and fails whatever is left after the wait. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        failPending();
      }
    } catch (InterruptedException e) {
      failPending();
      Thread.currentThread().interrupt();
    }
  }

  private void failPending() {
    for (Runnable r : pool.shutdownNow()) {
      ((Call) r).result.completeExceptionally(ScoringException.notReady("the service shut down"));
    }
  }

  /** One queued inference and the future it completes, whatever happens. */
  private static final class Call implements Runnable {
    final OnnxModel model;
    final List<Tensor> feeds;
    final List<String> outputs;
    final CompletableFuture<List<Tensor>> result = new CompletableFuture<>();

    Call(OnnxModel model, List<Tensor> feeds, List<String> outputs) {
      this.model = model;
      this.feeds = feeds;
      this.outputs = outputs;
    }

    @Override
    public void run() {
      try {
        result.complete(model.run(feeds, outputs));
      } catch (OrtException e) {
        result.completeExceptionally(translate(e));
      } catch (Throwable e) {
        result.completeExceptionally(
            new ScoringException(ScoringException.Kind.INTERNAL, "inference failed: " + e, e));
      }
    }
  }
}
