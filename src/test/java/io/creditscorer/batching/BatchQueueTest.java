package io.creditscorer.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The batching rule, step by step with fake time (nanoseconds). */
class BatchQueueTest {

  static final long DELAY = 500_000; // 500 us

  static Pending request(int rows, long at, long deadline) {
    return new Pending(List.of(), List.of(), rows, at, deadline, new CompletableFuture<>(), null);
  }

  static Pending request(int rows, long at) {
    return request(rows, at, Long.MAX_VALUE / 2);
  }

  BatchQueue queue = new BatchQueue(4, 8, DELAY, true);

  @Test
  void aLoneRequestOnAnIdleModelRunsAtOnce() {
    Pending p = request(1, 1_000);
    queue.offer(p);
    BatchQueue.Next next = queue.next(1_000, 0);
    assertEquals(List.of(p), next.batch());
  }

  @Test
  void whileABatchRunsRowsWaitForTheDelayCountedFromTheOldest() {
    queue.offer(request(1, 1_000));
    queue.offer(request(2, 300_000));
    BatchQueue.Next early = queue.next(400_000, 1);
    assertNull(early.batch());
    assertEquals(1_000 + DELAY, early.waitUntil());
    BatchQueue.Next due = queue.next(1_000 + DELAY, 1);
    assertEquals(2, due.batch().size());
  }

  @Test
  void aFullBatchDoesNotWait() {
    queue.offer(request(5, 0));
    queue.offer(request(3, 10));
    assertEquals(2, queue.next(20, 1).batch().size());
  }

  @Test
  void batchesNeverExceedMaxRowsExceptARequestThatIsLargerAlone() {
    queue.offer(request(3, 0));
    queue.offer(request(3, 0));
    queue.offer(request(3, 0));
    queue.offer(request(20, 0));
    assertEquals(2, queue.next(0, 0).batch().size()); // 3 + 3 = 6; 9 would exceed 8
    assertEquals(1, queue.next(0, 0).batch().size()); // 3, then 20 does not fit
    List<Pending> alone = queue.next(0, 0).batch();
    assertEquals(20, alone.get(0).rows());
    assertEquals(BatchQueue.Next.IDLE, queue.next(0, 0).waitUntil());
  }

  @Test
  void expiredRequestsAreDroppedBeforeForming() {
    Pending stale = request(1, 0, 100);
    Pending fresh = request(1, 50, 10_000);
    queue.offer(stale);
    queue.offer(fresh);
    BatchQueue.Next next = queue.next(100, 0);
    assertEquals(List.of(stale), next.expired());
    assertEquals(List.of(fresh), next.batch());
  }

  @Test
  void offerIsTheAdmissionCheck() {
    for (int i = 0; i < 4; i++) {
      assertTrue(queue.offer(request(1, 0)));
    }
    assertFalse(queue.offer(request(1, 0)));
    queue.next(0, 0);
    assertTrue(queue.offer(request(1, 0)), "room again once a batch was taken");
  }

  @Test
  void withBatchingOffEveryRequestRunsAlone() {
    BatchQueue off = new BatchQueue(4, 8, DELAY, false);
    off.offer(request(1, 0));
    off.offer(request(1, 0));
    assertEquals(1, off.next(0, 1).batch().size());
    assertEquals(1, off.next(0, 1).batch().size());
  }

  @Test
  void drainEmptiesTheQueue() {
    queue.offer(request(1, 0));
    queue.offer(request(1, 0));
    assertEquals(2, queue.drain().size());
    assertEquals(0, queue.size());
  }
}
