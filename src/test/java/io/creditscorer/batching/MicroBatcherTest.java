package io.creditscorer.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OrtEnvironment;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.OnnxModel;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.inference.Tensor;
import io.creditscorer.spi.RequestTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

  static final int WIDTH = 55;
  static final List<String> OUT = List.of("probabilities");

  OnnxModel model;
  MeterRegistry registry = new SimpleMeterRegistry();
  AtomicLong now = new AtomicLong(1_000_000);
  List<MicroBatcher> open = new ArrayList<>();

  @BeforeEach
  void load() throws Exception {
    model =
        OnnxModel.load(
            OrtEnvironment.getEnvironment(),
            Path.of("models/credit-risk/1/model.onnx"),
            SessionSettings.defaults());
  }

  @AfterEach
  void close() throws Exception {
    open.forEach(MicroBatcher::close);
    model.close();
  }

  MicroBatcher batcher(BatchSettings settings, MicroBatcher.Executor executor) {
    MicroBatcher b =
        new MicroBatcher(
            "test/1",
            settings,
            true,
            executor,
            now::get,
            registry,
            "test",
            "1",
            RequestTracing.NONE);
    open.add(b);
    return b;
  }

  static Tensor rows(float[] data) {
    return new Tensor("features", DataType.FP32, new long[] {data.length / WIDTH, WIDTH}, data);
  }

  static float[] random(Random r, int rows) {
    float[] f = new float[rows * WIDTH];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextGaussian();
    }
    return f;
  }

  CompletableFuture<List<Tensor>> submit(MicroBatcher b, float[] data) {
    return b.submit(List.of(rows(data)), OUT, data.length / WIDTH, now.get() + 60_000_000_000L);
  }

  @Test
  void manyThreadsEachGetExactlyTheirOwnRows() throws Exception {
    manyThreadsEachGetTheirOwnRows(new BatchSettings(true, 16, 200, 2, 4096));
  }

  @Test
  void manyThreadsEachGetExactlyTheirOwnRowsWhenIdleCallersRunTheirOwn() throws Exception {
    manyThreadsEachGetTheirOwnRows(new BatchSettings(true, 16, 200, 2, 4096, true));
  }

  private void manyThreadsEachGetTheirOwnRows(BatchSettings settings) throws Exception {
    MicroBatcher b = batcher(settings, model::run);
    int threads = 64;
    int perThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<CompletableFuture<Void>> checks = new CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      done.add(
          pool.submit(
              () -> {
                Random r = new Random(seed);
                start.await();
                for (int i = 0; i < perThread; i++) {
                  float[] data = random(r, 1 + r.nextInt(5));
                  float[] expected = singleRowRuns(data);
                  checks.add(
                      submit(b, data)
                          .thenAccept(
                              out ->
                                  assertArrayEquals(expected, (float[]) out.get(0).data(), 1e-6f)));
                }
                return null;
              }));
    }
    start.countDown();
    for (var f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    assertEquals(threads * perThread, checks.size());
    pool.shutdown();
  }

  @Test
  void manyEventLoopsEachGetExactlyTheirOwnRows() throws Exception {
    MicroBatcher b = batcher(new BatchSettings(true, 16, 200, 2, 4096, true), model::run);
    int loops = 16;
    int passes = 20;
    List<ExecutorService> loopThreads = new ArrayList<>();
    List<CompletableFuture<Void>> checks = new CopyOnWriteArrayList<>();
    List<CompletableFuture<?>> submitted = new ArrayList<>();
    for (int l = 0; l < loops; l++) {
      ExecutorService loop = Executors.newSingleThreadExecutor();
      loopThreads.add(loop);
      Random r = new Random(100 + l);
      for (int pass = 0; pass < passes; pass++) {
        // one pass of a loop: a few requests read together, then its turn runs them
        submitted.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
                    float[] data = random(r, 1 + r.nextInt(5));
                    float[] expected = expectedFor(data);
                    checks.add(
                        b.submit(List.of(rows(data)), OUT, data.length / WIDTH, far(), loop)
                            .thenAccept(
                                out ->
                                    assertArrayEquals(
                                        expected, (float[]) out.get(0).data(), 1e-6f)));
                  }
                },
                loop));
      }
    }
    for (var f : submitted) {
      f.get(60, TimeUnit.SECONDS);
    }
    CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertTrue(checks.size() >= loops * passes, "requests checked: " + checks.size());
    loopThreads.forEach(ExecutorService::shutdown);
  }

  private float[] expectedFor(float[] data) {
    try {
      return singleRowRuns(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  long far() {
    return now.get() + 60_000_000_000L;
  }

  /** An event loop driven by the test: tasks run only when the test says it is the loop's turn. */
  static final class ManualLoop implements java.util.concurrent.Executor {
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void turn() {
      while (!tasks.isEmpty()) {
        tasks.remove(0).run();
      }
    }
  }

  CompletableFuture<List<Tensor>> submitOn(ManualLoop loop, MicroBatcher b, float[] data) {
    return b.submit(List.of(rows(data)), OUT, data.length / WIDTH, far(), loop);
  }

  @Test
  void aLoopRunsTheFirstRequestOfAPassAtOnceAndTheRestAsOneCallWhenThePassEnds() throws Exception {
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    Gate gate =
        Gate.recording(
            (feeds, outputs) -> {
              threads.add(Thread.currentThread().getName());
              return model.run(feeds, outputs);
            });
    MicroBatcher b = batcher(new BatchSettings(true, 64, 1_000_000, 1, 100, true), gate);
    ManualLoop loop = new ManualLoop();
    Random r = new Random(11);
    List<float[]> data = List.of(random(r, 1), random(r, 2), random(r, 3), random(r, 1));
    List<CompletableFuture<List<Tensor>>> results = new ArrayList<>();
    for (float[] d : data) {
      results.add(submitOn(loop, b, d));
    }
    assertTrue(results.get(0).isDone(), "the first of the pass ran at once");
    assertTrue(results.subList(1, 4).stream().noneMatch(CompletableFuture::isDone));
    assertEquals(List.of(1), gate.callRows);
    assertEquals(1, loop.tasks.size(), "one end-of-pass turn for the rest");
    loop.turn();
    assertEquals(List.of(1, 6), gate.callRows, "one call for the other three");
    String me = Thread.currentThread().getName();
    assertEquals(List.of(me, me), threads, "all on the loop's thread");
    for (int i = 0; i < data.size(); i++) {
      assertArrayEquals(
          singleRowRuns(data.get(i)), (float[]) results.get(i).get().get(0).data(), 1e-6f);
    }
    assertTrue(submitOn(loop, b, random(r, 2)).isDone(), "the next pass starts at once again");
    assertEquals(0, b.queued());
  }

  @Test
  void aLoopBatchThatWouldPassMaxRowsRunsWhatItHoldsAndStartsTheNext() throws Exception {
    Gate gate = Gate.recording(model::run);
    MicroBatcher b = batcher(new BatchSettings(true, 4, 1_000_000, 1, 100, true), gate);
    ManualLoop loop = new ManualLoop();
    Random r = new Random(12);
    var lone = submitOn(loop, b, random(r, 1));
    var first = submitOn(loop, b, random(r, 3));
    var second = submitOn(loop, b, random(r, 3));
    assertTrue(lone.isDone());
    assertTrue(first.isDone(), "the full batch ran when the next request did not fit");
    assertFalse(second.isDone());
    loop.turn();
    second.get(10, TimeUnit.SECONDS);
    assertEquals(List.of(1, 3, 3), gate.callRows);
  }

  @Test
  void withBatchingOffALoopsRequestRunsAtOnceAlone() throws Exception {
    Gate gate = Gate.recording(model::run);
    MicroBatcher b = batcher(new BatchSettings(false, 64, 1_000_000, 1, 100, true), gate);
    ManualLoop loop = new ManualLoop();
    Random r = new Random(13);
    var one = submitOn(loop, b, random(r, 2));
    var two = submitOn(loop, b, random(r, 1));
    assertTrue(one.isDone() && two.isDone());
    assertEquals(List.of(2, 1), gate.callRows);
    assertEquals(List.of(), loop.tasks);
  }

  @Test
  void aLoopBatchIsDroppedWhenExpiredAndFailedWhenShutDownBeforeItsTurn() throws Exception {
    Gate gate = Gate.recording(model::run);
    MicroBatcher b = batcher(new BatchSettings(true, 64, 1_000_000, 1, 100, true), gate);
    ManualLoop loop = new ManualLoop();
    Random r = new Random(14);
    submitOn(loop, b, random(r, 1)).get(); // the first of the pass runs at once
    var late = b.submit(List.of(rows(random(r, 1))), OUT, 1, now.get() + 1_000, loop); // 1 µs left
    var onTime = submitOn(loop, b, random(r, 1));
    now.addAndGet(2_000);
    loop.turn();
    assertEquals(
        ScoringException.Kind.DEADLINE_EXCEEDED,
        ((ScoringException) assertThrowsExecution(late).getCause()).kind());
    onTime.get(10, TimeUnit.SECONDS);
    assertEquals(List.of(1, 1), gate.callRows, "the expired request did not run");

    submitOn(loop, b, random(r, 1)).get();
    var pending = submitOn(loop, b, random(r, 1));
    b.close();
    loop.turn();
    assertEquals(
        ScoringException.Kind.NOT_READY,
        ((ScoringException) assertThrowsExecution(pending).getCause()).kind());
    assertEquals(List.of(1, 1, 1), gate.callRows);
    var afterClose = submitOn(loop, b, random(r, 1));
    assertEquals(
        ScoringException.Kind.NOT_READY,
        ((ScoringException) assertThrowsExecution(afterClose).getCause()).kind());
  }

  /** The model run on each row alone, outside the batcher. */
  float[] singleRowRuns(float[] data) throws Exception {
    int n = data.length / WIDTH;
    float[] out = new float[n * 2];
    for (int i = 0; i < n; i++) {
      float[] row = new float[WIDTH];
      System.arraycopy(data, i * WIDTH, row, 0, WIDTH);
      float[] p = (float[]) model.run(List.of(rows(row)), OUT).get(0).data();
      System.arraycopy(p, 0, out, i * 2, 2);
    }
    return out;
  }

  /** An executor whose first call blocks until released, so later requests queue up. */
  static final class Gate implements MicroBatcher.Executor {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Integer> callRows = Collections.synchronizedList(new ArrayList<>());
    final MicroBatcher.Executor delegate;

    Gate(MicroBatcher.Executor delegate) {
      this.delegate = delegate;
    }

    /** A gate that holds nothing: it only records the rows of each call. */
    static Gate recording(MicroBatcher.Executor delegate) {
      Gate gate = new Gate(delegate);
      gate.release.countDown();
      return gate;
    }

    @Override
    public List<Tensor> run(List<Tensor> feeds, List<String> outputs) throws Exception {
      callRows.add((int) feeds.get(0).shape()[0]);
      if (entered.getCount() > 0) {
        entered.countDown();
        release.await();
      }
      return delegate.run(feeds, outputs);
    }
  }

  @Test
  void rowsArrivingWhileABatchRunsFormTheNextOne() throws Exception {
    Gate gate = new Gate(model::run);
    MicroBatcher b = batcher(new BatchSettings(true, 64, 1_000_000, 1, 100), gate);
    Random r = new Random(1);
    CompletableFuture<List<Tensor>> first = submit(b, random(r, 1));
    gate.entered.await();
    List<CompletableFuture<List<Tensor>>> queued = new ArrayList<>();
    int rows = 0;
    for (int i = 0; i < 10; i++) {
      float[] data = random(r, 1 + i % 3);
      rows += data.length / WIDTH;
      queued.add(submit(b, data));
    }
    gate.release.countDown();
    first.get(10, TimeUnit.SECONDS);
    for (var q : queued) {
      q.get(10, TimeUnit.SECONDS);
    }
    assertEquals(
        List.of(1, rows), gate.callRows, "one call for the lone request, one for all that queued");
  }

  @Test
  void anIdleModelRunsALoneRequestOnTheCallersThreadAndQueuesWhatArrivesMeanwhile()
      throws Exception {
    Gate gate = new Gate(model::run);
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    MicroBatcher b =
        batcher(
            new BatchSettings(true, 64, 1_000_000, 1, 100, true),
            (feeds, outputs) -> {
              threads.add(Thread.currentThread().getName());
              return gate.run(feeds, outputs);
            });
    Random r = new Random(2);
    // the model is idle: the submitting thread runs the request itself, held in the gate
    CompletableFuture<CompletableFuture<List<Tensor>>> first =
        CompletableFuture.supplyAsync(() -> submit(b, random(r, 1)));
    gate.entered.await();
    assertEquals(List.of(threads.get(0)), threads);
    assertFalse(threads.get(0).startsWith("batcher-"), threads.get(0));
    // while it runs, requests queue for the worker: none runs on its caller
    List<CompletableFuture<List<Tensor>>> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(submit(b, random(r, 2)));
    }
    assertEquals(1, threads.size());
    assertTrue(queued.stream().noneMatch(CompletableFuture::isDone));
    gate.release.countDown();
    assertTrue(first.get(10, TimeUnit.SECONDS).isDone(), "returned with its answer");
    for (var q : queued) {
      q.get(10, TimeUnit.SECONDS);
    }
    assertEquals(List.of(1, 6), gate.callRows, "the three that queued ran as one batch");
    assertTrue(threads.get(1).startsWith("batcher-test/1-"), threads.get(1));
  }

  @Test
  void aFailingBatchFailsEachMemberAndNothingElse() throws Exception {
    Gate gate =
        new Gate(
            (feeds, outputs) -> {
              float[] d = (float[]) feeds.get(0).data();
              for (float v : d) {
                if (v == -999f) {
                  throw new IllegalStateException("poisoned row");
                }
              }
              return model.run(feeds, outputs);
            });
    MicroBatcher b = batcher(new BatchSettings(true, 64, 0, 1, 100), gate);
    Random r = new Random(2);
    CompletableFuture<List<Tensor>> first = submit(b, random(r, 1));
    gate.entered.await();
    float[] poison = random(r, 1);
    poison[3] = -999f;
    List<CompletableFuture<List<Tensor>>> batch =
        List.of(submit(b, random(r, 2)), submit(b, poison), submit(b, random(r, 1)));
    gate.release.countDown();
    first.get(10, TimeUnit.SECONDS);
    for (var f : batch) {
      ExecutionException e = assertThrowsExecution(f);
      ScoringException s = (ScoringException) e.getCause();
      assertEquals(ScoringException.Kind.INTERNAL, s.kind());
      assertTrue(s.getMessage().contains("poisoned row"), s.getMessage());
    }
    float[] after = random(r, 1);
    assertArrayEquals(
        singleRowRuns(after),
        (float[]) submit(b, after).get(10, TimeUnit.SECONDS).get(0).data(),
        1e-6f);
  }

  @Test
  void aFullQueueRejectsAtOnceAndRecovers() throws Exception {
    Gate gate = new Gate(model::run);
    MicroBatcher b = batcher(new BatchSettings(true, 64, 0, 1, 2), gate);
    Random r = new Random(3);
    CompletableFuture<List<Tensor>> running = submit(b, random(r, 1));
    gate.entered.await();
    var q1 = submit(b, random(r, 1));
    var q2 = submit(b, random(r, 1));
    var refused = submit(b, random(r, 1));
    assertTrue(refused.isDone(), "rejection does not wait");
    assertEquals(
        ScoringException.Kind.OVERLOADED,
        ((ScoringException) assertThrowsExecution(refused).getCause()).kind());
    gate.release.countDown();
    running.get(10, TimeUnit.SECONDS);
    q1.get(10, TimeUnit.SECONDS);
    q2.get(10, TimeUnit.SECONDS);
    submit(b, random(r, 1)).get(10, TimeUnit.SECONDS);
    assertEquals(1.0, registry.get("scorer.queue.rejected").counter().count());
  }

  @Test
  void requestsWhoseDeadlinePassedInTheQueueAreNotRun() throws Exception {
    Gate gate = new Gate(model::run);
    MicroBatcher b = batcher(new BatchSettings(true, 64, 0, 1, 10), gate);
    Random r = new Random(4);
    CompletableFuture<List<Tensor>> running = submit(b, random(r, 1));
    gate.entered.await();
    float[] data = random(r, 3);
    var late = b.submit(List.of(rows(data)), OUT, 3, now.get() + 1_000);
    now.addAndGet(5_000); // fake time passes while the model is busy
    gate.release.countDown();
    running.get(10, TimeUnit.SECONDS);
    assertEquals(
        ScoringException.Kind.DEADLINE_EXCEEDED,
        ((ScoringException) assertThrowsExecution(late).getCause()).kind());
    assertEquals(List.of(1), gate.callRows, "the expired request never reached the model");
    assertEquals(1.0, registry.get("scorer.queue.expired").counter().count());
  }

  @Test
  void aRequestAlreadyPastItsDeadlineIsRefusedOnSubmit() {
    MicroBatcher b = batcher(new BatchSettings(true, 64, 0, 1, 10), model::run);
    var f = b.submit(List.of(rows(new float[WIDTH])), OUT, 1, now.get());
    assertTrue(f.isDone());
    assertEquals(
        ScoringException.Kind.DEADLINE_EXCEEDED,
        ((ScoringException) assertThrowsExecution(f).getCause()).kind());
  }

  @Test
  void shutdownWhileQueuedCompletesEveryFuture() throws Exception {
    Gate gate = new Gate(model::run);
    MicroBatcher b = batcher(new BatchSettings(true, 64, 0, 1, 10), gate);
    Random r = new Random(5);
    var running = submit(b, random(r, 1));
    gate.entered.await();
    List<CompletableFuture<List<Tensor>>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(submit(b, random(r, 1)));
    }
    Thread closer = new Thread(b::close);
    closer.start();
    for (var q : queued) {
      assertEquals(
          ScoringException.Kind.NOT_READY,
          ((ScoringException) assertThrowsExecution(q).getCause()).kind());
    }
    gate.release.countDown();
    running.get(10, TimeUnit.SECONDS);
    closer.join(10_000);
    var afterClose = submit(b, random(r, 1));
    assertEquals(
        ScoringException.Kind.NOT_READY,
        ((ScoringException) assertThrowsExecution(afterClose).getCause()).kind());
  }

  @Test
  void injectedFailuresNeverLeaveAFutureHanging() throws Exception {
    Random chaos = new Random(6);
    MicroBatcher b =
        batcher(
            new BatchSettings(true, 8, 100, 2, 256),
            (feeds, outputs) -> {
              synchronized (chaos) {
                if (chaos.nextInt(4) == 0) {
                  throw new RuntimeException("injected");
                }
              }
              return model.run(feeds, outputs);
            });
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<CompletableFuture<List<Tensor>>> all = new CopyOnWriteArrayList<>();
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int seed = t;
      done.add(
          pool.submit(
              () -> {
                Random r = new Random(seed);
                for (int i = 0; i < 50; i++) {
                  all.add(submit(b, random(r, 1 + r.nextInt(3))));
                }
              }));
    }
    for (var f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    int ok = 0;
    int failed = 0;
    for (var f : all) {
      try {
        f.get(60, TimeUnit.SECONDS);
        ok++;
      } catch (ExecutionException e) {
        ScoringException s = (ScoringException) e.getCause();
        assertTrue(
            s.kind() == ScoringException.Kind.INTERNAL
                || s.kind() == ScoringException.Kind.OVERLOADED,
            s.toString());
        failed++;
      }
    }
    assertEquals(800, ok + failed);
    assertTrue(ok > 0 && failed > 0, "ok " + ok + ", failed " + failed);
    pool.shutdown();
  }

  static ExecutionException assertThrowsExecution(CompletableFuture<?> f) {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e;
    } catch (Exception e) {
      fail("future did not fail in time: " + e);
    }
    fail("future succeeded but should have failed");
    return null;
  }
}
