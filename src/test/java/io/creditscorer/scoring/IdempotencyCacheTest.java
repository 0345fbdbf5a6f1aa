package io.creditscorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.error.ScoringException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdempotencyCacheTest {

  AtomicLong now = new AtomicLong();
  AtomicInteger scored = new AtomicInteger();
  IdempotencyCache cache = new IdempotencyCache(1_000, 3, now::get);

  CompletableFuture<CreditResult> score() {
    scored.incrementAndGet();
    return CompletableFuture.completedFuture(
        new CreditResult("r" + scored.get(), "m", "1", "p", List.of(), false));
  }

  @Test
  void aRetryGetsTheSameAnswerWithoutScoringAgain() throws Exception {
    CreditResult first = cache.answer("k", "body", this::score).get();
    CreditResult retry = cache.answer("k", "body", this::score).get();
    assertSame(first, retry);
    assertEquals(1, scored.get());
  }

  @Test
  void anotherBodyUnderTheSameKeyIsAConflict() {
    cache.answer("k", "body", this::score);
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> cache.answer("k", "other", this::score).get());
    assertEquals(ScoringException.Kind.CONFLICT, ((ScoringException) e.getCause()).kind());
    assertEquals(1, scored.get());
  }

  @Test
  void keysExpireAfterTheWindow() throws Exception {
    cache.answer("k", "body", this::score).get();
    now.addAndGet(999);
    cache.answer("k", "body", this::score).get();
    assertEquals(1, scored.get());
    now.addAndGet(1);
    cache.answer("k", "other body is fine once expired", this::score).get();
    assertEquals(2, scored.get());
  }

  @Test
  void memoryIsBoundedOldestFirst() throws Exception {
    for (String k : new String[] {"a", "b", "c", "d"}) {
      cache.answer(k, "body", this::score).get();
    }
    assertEquals(3, cache.size());
    cache.answer("a", "body", this::score).get();
    assertEquals(5, scored.get(), "a was evicted, so it scored again");
  }

  @Test
  void failuresAreNotKept() throws Exception {
    CompletableFuture<CreditResult> failed =
        cache.answer(
            "k", "body", () -> CompletableFuture.failedFuture(ScoringException.overloaded("full")));
    assertTrue(failed.isCompletedExceptionally());
    cache.answer("k", "body", this::score).get();
    assertEquals(1, scored.get());
  }
}
