package io.creditscorer.batching;

import io.creditscorer.base.Ticker;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.InferenceFailures;
import io.creditscorer.inference.Tensor;
import io.creditscorer.spi.RequestTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The micro-batcher of one model version: a bounded queue in front of {@code workers} dispatch
 * threads, each forming batches by the rule of {@link BatchQueue} and running them through the
 * executor. Rows of a batch are concatenated along the first dimension and the outputs split back,
 * so every request gets exactly its own rows' results.
 *
 * <p>With {@link BatchSettings#callerRuns()}, requests run on the threads that submit them where
 * they can, sparing two thread hand-offs each:
 *
 * <ul>
 *   <li>Requests submitted from an event loop (with the loop's executor) run on that loop. The
 *       first of a pass over the loop's ready sockets runs at once, so a lone request waits for
 *       nothing; the others the loop submits in the same pass join the loop's batch, which runs as
 *       one call when the pass ends (the loop's next turn), up to {@code maxBatchRows}. Rows
 *       arriving meanwhile stay in the sockets and form the next pass. With batching off each runs
 *       at once, alone. Loop calls run beside the workers' batches, not in their slots.
 *   <li>A request from any other thread that finds the model idle runs at once on that thread,
 *       which then returns with the future completed; requests arriving meanwhile queue for the
 *       workers.
 * </ul>
 *
 * <p>Guarantees: {@link #submit} never blocks (but for such a run) and never throws; every future
 * it returns completes — with the request's outputs, or failed with OVERLOADED (queue full),
 * DEADLINE_EXCEEDED (expired while queued; not run), the batch's failure (each member gets it,
 * nobody else), or NOT_READY (shut down while queued). Thread-safe.
 */
public final class MicroBatcher implements AutoCloseable {

  /** Runs one (possibly concatenated) inference call. */
  @FunctionalInterface
  public interface Executor {
    List<Tensor> run(List<Tensor> feeds, List<String> outputs) throws Exception;
  }

  private final String id;
  private final RequestTracing tracing;
  private final String model;
  private final String version;
  private final BatchSettings settings;
  private final boolean concatenate;
  private final Executor executor;
  private final Ticker ticker;
  private final BatchQueue queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Thread> workers = new ArrayList<>();
  private final BatcherMeters meters;
  private final ThreadLocal<LoopBatch> loopBatches = ThreadLocal.withInitial(LoopBatch::new);
  private final AtomicInteger loopRuns = new AtomicInteger();
  private int running;
  private volatile boolean closed;

  /**
   * @param id names the model version in thread names and messages, e.g. {@code credit-risk/2}
   * @param concatenate whether requests may share an inference call: every input and output has a
   *     variable first dimension and fixed others. When false each request runs alone.
   * @param model and {@code version} tag its meters and name it in traces
   * @param tracing traces each run
   */
  public MicroBatcher(
      String id,
      BatchSettings settings,
      boolean concatenate,
      Executor executor,
      Ticker ticker,
      MeterRegistry registry,
      String model,
      String version,
      RequestTracing tracing) {
    this.tracing = tracing;
    this.model = model;
    this.version = version;
    this.id = id;
    this.settings = settings;
    this.concatenate = concatenate && settings.enabled();
    this.executor = executor;
    this.ticker = ticker;
    this.queue =
        new BatchQueue(
            settings.queueCapacity(),
            settings.maxBatchRows(),
            TimeUnit.MICROSECONDS.toNanos(settings.maxDelayMicros()),
            this.concatenate);
    this.meters =
        new BatcherMeters(
            registry, Tags.of("model", model, "version", version), settings, this::queued);
    for (int i = 0; i < settings.workers(); i++) {
      Thread t = new Thread(this::work, "batcher-" + id + "-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /**
   * Queues a request; the future completes as described on the class.
   *
   * @param rows rows the feeds hold (their first dimension)
   * @param deadline on the ticker; the request is failed, not run, if still queued then
   */
  public CompletableFuture<List<Tensor>> submit(
      List<Tensor> feeds, List<String> outputs, int rows, long deadline) {
    return submit(feeds, outputs, rows, deadline, null);
  }

  /**
   * Queues a request, or with {@link BatchSettings#callerRuns()} and a {@code loop} adds it to the
   * calling event loop's batch; the future completes as described on the class.
   *
   * @param loop runs a task later on the calling thread, after the caller's current pass (an event
   *     loop's executor); {@code null} when the caller is no event loop
   */
  public CompletableFuture<List<Tensor>> submit(
      List<Tensor> feeds,
      List<String> outputs,
      int rows,
      long deadline,
      java.util.concurrent.Executor loop) {
    long now = ticker.read();
    CompletableFuture<List<Tensor>> result = new CompletableFuture<>();
    if (deadline - now <= 0) {
      meters.expired().increment();
      result.completeExceptionally(deadlineExceeded());
      return result;
    }
    Pending p = new Pending(feeds, outputs, rows, now, deadline, result, tracing.current());
    if (loop != null && settings.callerRuns() && rows <= settings.maxBatchRows() && !closed) {
      joinLoopBatch(p, loop);
      return result;
    }
    boolean accepted;
    boolean shutDown;
    boolean runHere = false;
    lock.lock();
    try {
      shutDown = closed;
      if (!closed
          && settings.callerRuns()
          && running == 0
          && queue.size() == 0
          && rows <= settings.maxBatchRows()) {
        running++; // counts as the model's running batch: arrivals meanwhile queue and batch
        runHere = true;
        accepted = true;
      } else {
        accepted = !closed && queue.offer(p);
        if (accepted) {
          changed.signal();
        }
      }
    } finally {
      lock.unlock();
    }
    if (runHere) {
      try {
        execute(List.of(p));
      } finally {
        finished();
      }
      return result;
    }
    if (!accepted) {
      if (shutDown) {
        result.completeExceptionally(ScoringException.notReady(id + " is shutting down"));
      } else {
        meters.rejected().increment();
        result.completeExceptionally(
            ScoringException.overloaded(
                "the queue of "
                    + id
                    + " is full ("
                    + settings.queueCapacity()
                    + " requests waiting); retry shortly"));
      }
    }
    return result;
  }

  /**
   * Runs the first request of the calling loop's pass at once; later ones of the same pass join the
   * loop's batch, which runs when the pass ends.
   */
  private void joinLoopBatch(Pending p, java.util.concurrent.Executor loop) {
    if (!concatenate) {
      runOnLoop(List.of(p));
      return;
    }
    LoopBatch batch = loopBatches.get();
    if (!batch.inPass) {
      batch.inPass = true;
      loop.execute(
          () -> {
            batch.inPass = false;
            runOnLoop(batch.take());
          });
      runOnLoop(List.of(p));
      return;
    }
    if (batch.rows + p.rows() > settings.maxBatchRows()) {
      runOnLoop(batch.take()); // full: runs now, and p starts the next
    }
    batch.members.add(p);
    batch.rows += p.rows();
  }

  private void runOnLoop(List<Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    long now = ticker.read();
    List<Pending> live = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (p.deadline() - now <= 0) {
        meters.expired().increment();
        p.result().completeExceptionally(deadlineExceeded());
      } else {
        live.add(p);
      }
    }
    loopRuns.incrementAndGet(); // before reading closed: close() waits for runs it did not stop
    try {
      if (closed) {
        for (Pending p : live) {
          p.result().completeExceptionally(shutDownBeforeRun());
        }
      } else if (!live.isEmpty()) {
        execute(live);
      }
    } finally {
      loopRuns.decrementAndGet();
    }
  }

  /** What one event loop has submitted in its current pass; touched only by that loop. */
  private static final class LoopBatch {
    private List<Pending> members = new ArrayList<>();
    private int rows;
    private boolean inPass;

    List<Pending> take() {
      if (members.isEmpty()) {
        return List.of();
      }
      List<Pending> taken = members;
      members = new ArrayList<>();
      rows = 0;
      return taken;
    }
  }

  /** Requests waiting for a worker. */
  public int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  private void work() {
    while (true) {
      List<Pending> batch = null;
      List<Pending> dropped = List.of();
      lock.lock();
      try {
        while (true) {
          if (closed) {
            return;
          }
          if (running >= settings.workers()) {
            changed.awaitUninterruptibly(); // a caller's run holds the last slot
            continue;
          }
          BatchQueue.Next next = queue.next(ticker.read(), running);
          dropped = next.expired();
          if (next.batch() != null) {
            batch = next.batch();
            running++;
            break;
          }
          if (!dropped.isEmpty()) {
            break;
          }
          if (next.waitUntil() == BatchQueue.Next.IDLE) {
            changed.awaitUninterruptibly();
          } else {
            long wait = next.waitUntil() - ticker.read();
            if (wait > 0) {
              changed.awaitNanos(wait);
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      for (Pending p : dropped) {
        meters.expired().increment();
        p.result().completeExceptionally(deadlineExceeded());
      }
      if (batch != null) {
        try {
          execute(batch);
        } finally {
          finished();
        }
      }
    }
  }

  /** A batch has finished: the next may start. */
  private void finished() {
    lock.lock();
    try {
      running--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void execute(List<Pending> batch) {
    long start = ticker.read();
    int rows = 0;
    boolean traced = false;
    for (Pending p : batch) {
      meters.queueWait().record(start - p.enqueued(), TimeUnit.NANOSECONDS);
      rows += p.rows();
      traced |= p.trace() != null;
    }
    meters.batchRows().record(rows);
    List<List<Tensor>> results;
    try {
      if (batch.size() == 1) {
        Pending p = batch.get(0);
        results = List.of(executor.run(p.feeds(), p.outputs()));
      } else {
        results = ConcatenatedRun.run(id, executor, batch, rows);
      }
    } catch (Throwable e) {
      ScoringException failure = InferenceFailures.translate(e);
      for (Pending p : batch) {
        p.result().completeExceptionally(failure);
      }
      return;
    } finally {
      long nanos = ticker.read() - start;
      meters.inferenceTime().record(nanos, TimeUnit.NANOSECONDS);
      meters.batchTime(rows).record(nanos, TimeUnit.NANOSECONDS);
      if (traced) {
        trace(batch, start, nanos, rows);
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(results.get(i));
    }
  }

  private void trace(List<Pending> batch, long start, long nanos, int rows) {
    List<Object> traces = new ArrayList<>(batch.size());
    long[] waits = new long[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      traces.add(batch.get(i).trace());
      waits[i] = start - batch.get(i).enqueued();
    }
    tracing.batch(model, version, traces, waits, nanos, rows);
  }

  private ScoringException shutDownBeforeRun() {
    return ScoringException.notReady(id + " shut down before running the request");
  }

  private ScoringException deadlineExceeded() {
    return new ScoringException(
        ScoringException.Kind.DEADLINE_EXCEEDED,
        "the request's deadline passed before " + id + " could run it");
  }

  /**
   * Stops accepting requests, fails those still queued (or in a loop's batch) with NOT_READY, lets
   * running batches finish (waiting up to 10 s), and removes this batcher's meters.
   */
  @Override
  public void close() {
    List<Pending> left;
    lock.lock();
    try {
      closed = true;
      left = queue.drain();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (Pending p : left) {
      p.result().completeExceptionally(shutDownBeforeRun());
    }
    for (Thread t : workers) {
      if (t == Thread.currentThread()) {
        continue;
      }
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long stop = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (loopRuns.get() > 0 && System.nanoTime() - stop < 0) {
      LockSupport.parkNanos(100_000); // a loop's batch is mid-call
    }
    meters.close();
  }
}
