package io.creditscorer.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestModels;
import io.creditscorer.base.Ticker;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests are completed on the event loop that sent them, never on a dispatch worker. */
class BatchingRunnerTest {

  private static final BatchSettings SETTINGS = new BatchSettings(true, 64, 200, 1, 64);

  private ModelRepository repository;
  private ModelVersion version;
  private final ExecutorService loop =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "caller-loop"));

  /** Tasks the runner handed back to the caller's loop. */
  private final AtomicInteger handedBack = new AtomicInteger();

  private final Executor callerExecutor =
      task -> {
        handedBack.incrementAndGet();
        loop.execute(task);
      };

  /**
   * Calls the runner on the caller's loop, as an event loop would, and returns where a stage the
   * caller attaches runs. The worker may finish before or after {@code run} returns: either way the
   * stage must run on the caller's loop (handed back, or at once on the already completed future),
   * never on the worker.
   */
  private String stageThread(Supplier<CompletableFuture<List<Tensor>>> call) throws Exception {
    return loop.submit(
            () -> call.get().handle((result, failure) -> Thread.currentThread().getName()))
        .get(10, TimeUnit.SECONDS)
        .get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void load() {
    repository = TestModels.shippedModels();
    version = repository.resolve("credit-risk", "2");
  }

  @AfterEach
  void close() {
    loop.shutdownNow();
    repository.close();
  }

  private List<Tensor> row(int width) {
    float[] data = new float[width];
    data[0] = 0.5f;
    return List.of(
        new Tensor(version.inputs().get(0).name(), DataType.FP32, new long[] {1, width}, data));
  }

  private long deadline() {
    return Ticker.system().read() + TimeUnit.SECONDS.toNanos(10);
  }

  @Test
  void theResultIsCompletedOnTheCallersLoop() throws Exception {
    BatchingRunner direct =
        new BatchingRunner(SETTINGS, Ticker.system(), new SimpleMeterRegistry());
    BatchingRunner handing =
        new BatchingRunner(
            SETTINGS, Ticker.system(), new SimpleMeterRegistry(), () -> callerExecutor);
    List<String> outputs = List.of(version.outputs().get(0).name());
    int width = (int) version.inputs().get(0).shape()[1];
    try {
      float[] expected =
          (float[]) direct.run(version, row(width), outputs, deadline()).get().get(0).data();
      List<CompletableFuture<List<Tensor>>> results = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        assertEquals(
            "caller-loop",
            stageThread(
                () -> {
                  CompletableFuture<List<Tensor>> r =
                      handing.run(version, row(width), outputs, deadline());
                  results.add(r);
                  return r;
                }));
      }
      for (CompletableFuture<List<Tensor>> r : results) {
        assertArrayEquals(expected, (float[]) r.get().get(0).data());
      }
      assertTrue(handedBack.get() <= results.size(), "at most one task per request");
    } finally {
      direct.close();
      handing.close();
    }
  }

  @Test
  void failuresAreCompletedOnTheCallersLoopAndImmediateAnswersAreNotHandedBack() throws Exception {
    BatchingRunner handing =
        new BatchingRunner(
            SETTINGS, Ticker.system(), new SimpleMeterRegistry(), () -> callerExecutor);
    List<String> outputs = List.of(version.outputs().get(0).name());
    try {
      // a row of the wrong width fails in ONNX Runtime, on the worker
      List<CompletableFuture<List<Tensor>>> failing = new ArrayList<>();
      assertEquals(
          "caller-loop",
          stageThread(
              () -> {
                CompletableFuture<List<Tensor>> r =
                    handing.run(version, row(3), outputs, deadline());
                failing.add(r);
                return r;
              }));
      ExecutionException failed = assertThrows(ExecutionException.class, failing.get(0)::get);
      assertInstanceOf(ScoringException.class, failed.getCause());
      // a deadline already past is answered at once, on the caller's own thread
      int before = handedBack.get();
      CompletableFuture<List<Tensor>> expired =
          handing.run(version, row(3), outputs, Ticker.system().read() - 1);
      assertTrue(expired.isDone());
      assertEquals(before, handedBack.get());
    } finally {
      handing.close();
    }
  }
}
