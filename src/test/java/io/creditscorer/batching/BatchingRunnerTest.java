package io.creditscorer.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestModels;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.scoring.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests are handed back to the executor of the thread that sent them. */
class BatchingRunnerTest {

  private static final BatchSettings SETTINGS = new BatchSettings(true, 64, 200, 1, 64);

  private ModelRepository repository;
  private ModelVersion version;
  private final ExecutorService loop =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "caller-loop"));

  /** What the runner hands back, held until the test runs it on the caller's loop. */
  private final BlockingQueue<Runnable> handedBack = new LinkedBlockingQueue<>();

  private final Executor callerExecutor = handedBack::add;

  /** Runs the one task handed back on the caller's loop; returns where a caller's stage ran. */
  private String runHandedBack(CompletableFuture<List<Tensor>> result) throws Exception {
    CompletableFuture<String> stage = result.handle((r, e) -> Thread.currentThread().getName());
    Runnable back = handedBack.poll(10, TimeUnit.SECONDS);
    assertNotNull(back, "the worker handed the request back");
    assertFalse(result.isDone(), "nothing completes the request but the caller's loop");
    loop.execute(back);
    String ranOn = stage.get(10, TimeUnit.SECONDS);
    assertNull(handedBack.poll(), "one task per request");
    return ranOn;
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
  void theResultIsCompletedOnTheCallersExecutor() throws Exception {
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
      CompletableFuture<List<Tensor>> result =
          handing.run(version, row(width), outputs, deadline());
      assertEquals("caller-loop", runHandedBack(result));
      assertArrayEquals(expected, (float[]) result.get().get(0).data());
    } finally {
      direct.close();
      handing.close();
    }
  }

  @Test
  void failuresAreHandedBackAndImmediateAnswersAreNot() throws Exception {
    BatchingRunner handing =
        new BatchingRunner(
            SETTINGS, Ticker.system(), new SimpleMeterRegistry(), () -> callerExecutor);
    List<String> outputs = List.of(version.outputs().get(0).name());
    try {
      // a row of the wrong width fails in ONNX Runtime, on the worker: handed back
      CompletableFuture<List<Tensor>> failing = handing.run(version, row(3), outputs, deadline());
      assertEquals("caller-loop", runHandedBack(failing));
      ExecutionException failed = assertThrows(ExecutionException.class, failing::get);
      assertInstanceOf(ScoringException.class, failed.getCause());
      // a deadline already past is answered at once, on the caller's own thread
      CompletableFuture<List<Tensor>> expired =
          handing.run(version, row(3), outputs, Ticker.system().read() - 1);
      assertTrue(expired.isDone());
      assertNull(handedBack.poll());
    } finally {
      handing.close();
    }
  }
}
