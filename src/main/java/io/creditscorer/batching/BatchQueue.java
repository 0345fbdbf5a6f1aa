package io.creditscorer.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The batching decision, free of threads and clocks so it can be tested step by step: a bounded
 * FIFO of requests and the rule that turns it into batches. Not thread-safe; {@link MicroBatcher}
 * guards it with its lock.
 *
 * <p>The rule, for a worker that is free at time {@code now}: drop requests whose deadline passed;
 * if nothing is queued, wait; if the model is idle (no batch running), run what is queued at once;
 * otherwise run when the queued rows fill a batch or the oldest row has waited {@code maxDelay},
 * else wait until then. A lone request at low load therefore never waits for a timer.
 */
final class BatchQueue {

  /** What a free worker does next. */
  record Next(List<Pending> batch, List<Pending> expired, long waitUntil) {
    static final long IDLE = Long.MAX_VALUE;
  }

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final int capacity;
  private final int maxBatchRows;
  private final long maxDelayNanos;
  private final boolean batching;
  private int queuedRows;

  BatchQueue(int capacity, int maxBatchRows, long maxDelayNanos, boolean batching) {
    this.capacity = capacity;
    this.maxBatchRows = maxBatchRows;
    this.maxDelayNanos = maxDelayNanos;
    this.batching = batching;
  }

  /** Admission: false when the queue is full. */
  boolean offer(Pending p) {
    if (queue.size() >= capacity) {
      return false;
    }
    queue.addLast(p);
    queuedRows += p.rows();
    return true;
  }

  int size() {
    return queue.size();
  }

  /** Removes everything still queued (on shutdown). */
  List<Pending> drain() {
    List<Pending> all = new ArrayList<>(queue);
    queue.clear();
    queuedRows = 0;
    return all;
  }

  Next next(long now, int running) {
    List<Pending> expired = List.of();
    for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.deadline() - now <= 0) {
        if (expired.isEmpty()) {
          expired = new ArrayList<>();
        }
        expired.add(p);
        queuedRows -= p.rows();
        it.remove();
      }
    }
    Pending oldest = queue.peekFirst();
    if (oldest == null) {
      return new Next(null, expired, Next.IDLE);
    }
    if (!batching) {
      return new Next(List.of(take()), expired, 0);
    }
    long due = oldest.enqueued() + maxDelayNanos;
    if (running == 0 || queuedRows >= maxBatchRows || due - now <= 0) {
      List<Pending> batch = new ArrayList<>();
      int rows = 0;
      while (!queue.isEmpty()
          && (batch.isEmpty() || rows + queue.peekFirst().rows() <= maxBatchRows)) {
        Pending p = take();
        batch.add(p);
        rows += p.rows();
      }
      return new Next(batch, expired, 0);
    }
    return new Next(null, expired, due);
  }

  private Pending take() {
    Pending p = queue.pollFirst();
    queuedRows -= p.rows();
    return p;
  }
}
