package io.creditscorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.decision.Decision;
import io.creditscorer.decision.Reason;
import io.creditscorer.error.ScoringException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdempotencyCacheTest {

  AtomicLong now = new AtomicLong();
  AtomicInteger scored = new AtomicInteger();

  /** Room for three small answers and no more. */
  static final long THREE_SMALL =
      3L
          * IdempotencyCache.weigh(
              "k", "body", new CreditResult("r1", "m", "1", "p", List.of(), false));

  IdempotencyCache cache = new IdempotencyCache(1_000, THREE_SMALL, now::get);

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
  void memoryIsBoundedByBytesLeastRecentlyUsedFirst() throws Exception {
    for (String k : new String[] {"a", "b", "c", "d"}) {
      cache.answer(k, "body", this::score).get();
    }
    assertEquals(3, cache.size());
    cache.answer("a", "body", this::score).get();
    assertEquals(5, scored.get(), "a was evicted, so it scored again");
  }

  static CreditResult answerFor(int applicants) {
    List<CreditResult.Applicant> many = new ArrayList<>();
    for (int i = 0; i < applicants; i++) {
      many.add(
          new CreditResult.Applicant(
              "applicant-" + i,
              0.1,
              600,
              Decision.APPROVE,
              null,
              List.of(new Reason("R01", "Checking account balance below 0 DM", "checking", 0.1))));
    }
    return new CreditResult("big", "m", "1", "p", many, false);
  }

  @Test
  void anAnswerLargerThanTheBoundIsNotKept() throws Exception {
    CreditResult large = answerFor(50);
    assertTrue(IdempotencyCache.weigh("c", "body", large) > THREE_SMALL);
    cache.answer("c", "body", () -> CompletableFuture.completedFuture(large)).get();
    assertTrue(cache.weight() <= THREE_SMALL);
    cache.answer("c", "body", this::score).get();
    assertEquals(1, scored.get(), "the retry was scored: the large answer was not kept");
  }

  @Test
  void theKeptBytesStayWithinTheBoundWhateverTheAnswersSizes() throws Exception {
    for (int i = 0; i < 40; i++) {
      int applicants = i % 4;
      cache
          .answer("k" + i, "body", () -> CompletableFuture.completedFuture(answerFor(applicants)))
          .get();
      assertTrue(cache.weight() <= THREE_SMALL, "kept " + cache.weight() + " bytes");
    }
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
