package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.feedback.DecisionStore.NewDecision;
import io.creditscorer.feedback.DecisionStore.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The columns of live decisions against a plain list of records doing the same: every lookup agrees
 * through growth of the columns and of the id bytes, evictions and wrap-around.
 */
class DecisionRingTest {

  static final Instant T0 = Instant.parse("2026-01-05T09:00:00.123456789Z");

  /** Ids from a small pool, so requests and applicants repeat; some are absent or not ASCII. */
  static final String[] REQUESTS = {null, "r1", "r2", "r3", "r-ü-4", "r5", "a much longer id 6"};

  static final String[] APPLICANTS = {null, "A", "B", "C", "Ø", "E"};

  final DecisionRing ring = new DecisionRing();
  final List<Long> positions = new ArrayList<>();
  final List<StoredDecision> model = new ArrayList<>();
  final Random random = new Random(42);
  long nextSeq = 1;

  @Test
  void agreesWithAListThroughGrowthEvictionAndWrapAround() {
    // Grows past the first columns (1,024) and id bytes, then turns over a small window many times.
    for (int bound : new int[] {3000, 40, 700, 5}) {
      for (int i = 0; i < 5000; i++) {
        add();
        if (random.nextInt(50) == 0) {
          recordOutcome();
        }
        while (model.size() > bound) {
          StoredDecision oldest = model.remove(0);
          positions.remove(0);
          assertEquals(oldest.outcome() != null, ring.evictOldest());
        }
        if (i % 250 == 0) {
          checkAll();
        }
      }
      checkAll();
    }
  }

  @Test
  void theOldestDecidedBeforeComparesSecondsThenNanoseconds() {
    ring.add(1, new NewDecision("r", "A", "m", "1", 0.5, 600, "approve", T0));
    assertFalse(ring.oldestDecidedBefore(T0));
    assertTrue(ring.oldestDecidedBefore(T0.plusNanos(1)));
    assertFalse(ring.oldestDecidedBefore(T0.minusSeconds(1).plusNanos(999_999_999)));
  }

  void add() {
    long seq = nextSeq;
    nextSeq += 1 + random.nextInt(3);
    StoredDecision d =
        new StoredDecision(
            seq,
            REQUESTS[random.nextInt(REQUESTS.length)],
            APPLICANTS[random.nextInt(APPLICANTS.length)],
            "credit-risk",
            random.nextBoolean() ? "1" : "2",
            random.nextDouble(),
            300 + random.nextInt(550),
            random.nextBoolean() ? "approve" : "decline",
            T0.plusNanos(random.nextInt(1_000_000_000)).plusSeconds(seq),
            null);
    long pos =
        ring.add(
            seq,
            new NewDecision(
                d.requestId(),
                d.applicantId(),
                d.modelName(),
                d.modelVersion(),
                d.probabilityOfDefault(),
                d.score(),
                d.decision(),
                d.decidedAt()));
    positions.add(pos);
    model.add(d);
  }

  void recordOutcome() {
    int i = random.nextInt(model.size());
    Outcome o = new Outcome(random.nextBoolean(), T0, T0.plusSeconds(i));
    ring.setOutcome(positions.get(i), o);
    model.set(i, model.get(i).withOutcome(o));
  }

  void checkAll() {
    assertEquals(model.size(), ring.size());
    for (int i = 0; i < model.size(); i++) {
      assertEquals(model.get(i), ring.decision(positions.get(i)));
      assertEquals((long) positions.get(i), ring.positionOfSeq(model.get(i).seq()));
    }
    assertEquals(DecisionRing.NONE, ring.positionOfSeq(nextSeq));
    if (!model.isEmpty()) {
      long evictedOrSkipped = model.get(0).seq() - 1;
      assertEquals(DecisionRing.NONE, ring.positionOfSeq(evictedOrSkipped));
    }
    for (String id : REQUESTS) {
      if (id != null) {
        assertEquals(chainOf(id), chainInRing(id), "decisions of request " + id);
      }
    }
    for (String id : APPLICANTS) {
      if (id != null) {
        assertEquals(latestOf(id), ring.latestOfApplicant(id), "latest decision for " + id);
      }
    }
    Map<List<String>, Integer> counts = new LinkedHashMap<>();
    model.forEach(d -> counts.merge(List.of(d.modelName(), d.modelVersion()), 1, Integer::sum));
    List<List<Object>> visited = new ArrayList<>();
    Map<List<String>, Integer> counted = new LinkedHashMap<>();
    ring.countAndVisitOutcomes(
            (model, version, pd, decision, seq, outcome) ->
                visited.add(List.of(model, version, pd, decision, seq, outcome)))
        .forEach(c -> counted.put(List.of(c.modelName(), c.modelVersion()), c.decisions()));
    assertEquals(counts, counted);
    assertEquals(
        model.stream()
            .filter(d -> d.outcome() != null)
            .map(
                d ->
                    List.<Object>of(
                        d.modelName(),
                        d.modelVersion(),
                        d.probabilityOfDefault(),
                        d.decision(),
                        d.seq(),
                        d.outcome()))
            .toList(),
        visited);
    assertEquals(DecisionRing.NONE, ring.newestOfRequest("never"));
    assertEquals(DecisionRing.NONE, ring.latestOfApplicant("never"));
  }

  /** Positions of a request's live decisions, newest first, from the list. */
  List<Long> chainOf(String requestId) {
    List<Long> chain = new ArrayList<>();
    for (int i = model.size() - 1; i >= 0; i--) {
      if (requestId.equals(model.get(i).requestId())) {
        chain.add(positions.get(i));
      }
    }
    return chain;
  }

  List<Long> chainInRing(String requestId) {
    List<Long> chain = new ArrayList<>();
    for (long p = ring.newestOfRequest(requestId);
        p != DecisionRing.NONE;
        p = ring.olderOfRequest(p)) {
      chain.add(p);
    }
    return chain;
  }

  long latestOf(String applicantId) {
    for (int i = model.size() - 1; i >= 0; i--) {
      if (applicantId.equals(model.get(i).applicantId())) {
        return positions.get(i);
      }
    }
    return DecisionRing.NONE;
  }

  @Test
  void absentIdsAreKeptAsAbsent() {
    long pos = ring.add(7, new NewDecision(null, null, "m", "1", 0.1, 700, "approve", T0));
    assertNull(ring.decision(pos).requestId());
    assertNull(ring.decision(pos).applicantId());
    assertEquals(7, ring.seq(pos));
  }
}
