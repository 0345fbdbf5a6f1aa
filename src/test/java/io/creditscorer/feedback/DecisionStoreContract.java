package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.feedback.DecisionStore.NewDecision;
import io.creditscorer.feedback.DecisionStore.NewOutcome;
import io.creditscorer.feedback.DecisionStore.Recording;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What every decision store does: lookups, the first outcome kept, bounds, windows' input. */
abstract class DecisionStoreContract {

  static final Instant T0 = Instant.parse("2026-01-05T09:00:00.123456Z");

  final MutableClock clock = new MutableClock(T0);

  /** A store with a retention of 30 days; the test closes it. */
  abstract DecisionStore open(int maxEntries);

  static NewDecision decision(String requestId, String applicantId, double pd, Instant at) {
    return new NewDecision(
        requestId, applicantId, "credit-risk", "2", pd, 600, pd < 0.2 ? "approve" : "refer", at);
  }

  static StoredDecision found(DecisionStore.Match m) {
    return entry(m).decision;
  }

  static DecisionStore.Entry entry(DecisionStore.Match m) {
    return assertInstanceOf(DecisionStore.Found.class, m).entry();
  }

  static Recording record(
      DecisionStore store, DecisionStore.Entry e, boolean defaulted, Instant at) {
    return store.recordAll(List.of(new NewOutcome(e, defaulted, at))).get(0);
  }

  @Test
  void findsByRequestByApplicantAndByBoth() {
    try (DecisionStore store = open(100)) {
      store.add(
          List.of(
              decision("r1", "A", 0.1, T0),
              decision("r2", "B", 0.2, T0),
              decision("r2", "C", 0.3, T0),
              decision("r3", "A", 0.4, T0),
              decision("r4", null, 0.5, T0)));
      assertEquals("A", found(store.find("r1", null)).applicantId());
      assertEquals(0.3, found(store.find("r2", "C")).probabilityOfDefault());
      assertEquals(
          2, assertInstanceOf(DecisionStore.Ambiguous.class, store.find("r2", null)).decisions());
      assertInstanceOf(DecisionStore.UnknownApplicant.class, store.find("r2", "A"));
      assertInstanceOf(DecisionStore.UnknownRequest.class, store.find("nope", null));
      // An applicant id alone finds that applicant's latest decision.
      assertEquals("r3", found(store.find(null, "A")).requestId());
      assertInstanceOf(DecisionStore.UnknownApplicant.class, store.find(null, "Z"));
      StoredDecision r4 = found(store.find("r4", null));
      assertNull(r4.applicantId());
      assertEquals(
          new StoredDecision(r4.seq(), "r4", null, "credit-risk", "2", 0.5, 600, "refer", T0, null),
          r4);
    }
  }

  @Test
  void oneCallFindsManyInTheirOrder() {
    try (DecisionStore store = open(100)) {
      store.add(
          List.of(
              decision("r1", "A", 0.1, T0),
              decision("r2", "B", 0.2, T0),
              decision("r2", "C", 0.3, T0)));
      List<DecisionStore.Match> matches =
          store.findAll(
              List.of(
                  new DecisionStore.Lookup("r2", "C"),
                  new DecisionStore.Lookup("nope", null),
                  new DecisionStore.Lookup(null, "A"),
                  new DecisionStore.Lookup("r2", null)));
      assertEquals("C", found(matches.get(0)).applicantId());
      assertInstanceOf(DecisionStore.UnknownRequest.class, matches.get(1));
      assertEquals("r1", found(matches.get(2)).requestId());
      assertInstanceOf(DecisionStore.Ambiguous.class, matches.get(3));
      assertEquals(List.of(), store.findAll(List.of()));
    }
  }

  @Test
  void theFirstOutcomeIsKept() {
    try (DecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
      DecisionStore.Entry e = entry(store.find("r1", null));
      Instant seen = T0.plus(Duration.ofDays(1));
      Recording first = record(store, e, true, seen);
      assertTrue(first.recorded());
      assertEquals(new DecisionStore.Outcome(true, seen, T0), first.kept());
      assertEquals(first.kept(), e.decision.outcome());
      // Found again (as another replica would), a later outcome does not replace it.
      DecisionStore.Entry again = entry(store.find(null, "A"));
      assertEquals(first.kept(), again.decision.outcome());
      Recording second = record(store, again, false, seen.plusSeconds(9));
      assertFalse(second.recorded());
      assertEquals(first.kept(), second.kept());
      assertEquals(1, store.outcomes());
    }
  }

  @Test
  void oneCallRecordsEachDecisionOnceAndKeepsTheFirstOfItsItems() {
    try (DecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0), decision("r2", "B", 0.2, T0)));
      DecisionStore.Entry a = entry(store.find("r1", null));
      DecisionStore.Entry b = entry(store.find("r2", null));
      DecisionStore.Entry aAgain = entry(store.find(null, "A"));
      List<Recording> r =
          store.recordAll(
              List.of(
                  new NewOutcome(a, true, T0),
                  new NewOutcome(b, false, T0),
                  new NewOutcome(aAgain, false, T0)));
      assertTrue(r.get(0).recorded());
      assertTrue(r.get(1).recorded());
      assertFalse(r.get(2).recorded());
      assertTrue(r.get(2).kept().defaulted(), "the first item's outcome is kept");
      assertEquals(2, store.outcomes());
    }
  }

  @Test
  void anEntryEvictedAfterItWasFoundIsNotRecorded() {
    try (DecisionStore store = open(2)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
      DecisionStore.Entry e = entry(store.find("r1", null));
      store.add(List.of(decision("r2", "B", 0.2, T0), decision("r3", "C", 0.3, T0)));
      assertEquals(new Recording(false, null), record(store, e, true, T0));
      assertEquals(0, store.outcomes());
      assertNull(found(store.find("r3", null)).outcome());
    }
  }

  @Test
  void theOldestAreEvictedFirstWithTheirIndexesAndCounted() {
    try (DecisionStore store = open(3)) {
      for (int i = 1; i <= 5; i++) {
        store.add(List.of(decision("r" + i, "A" + (i % 2), i / 10.0, T0)));
      }
      assertEquals(3, store.size());
      assertEquals(2, store.evicted());
      assertInstanceOf(DecisionStore.UnknownRequest.class, store.find("r1", null));
      assertInstanceOf(DecisionStore.UnknownRequest.class, store.find("r2", null));
      assertEquals("r3", found(store.find("r3", null)).requestId());
      // A1 was last decided in r5, A0 in r4: both still found.
      assertEquals("r5", found(store.find(null, "A1")).requestId());
      assertEquals("r4", found(store.find(null, "A0")).requestId());
    }
  }

  @Test
  void aRequestLosesItsOldestDecisionsFirst() {
    try (DecisionStore store = open(3)) {
      store.add(
          List.of(
              decision("r1", "A", 0.1, T0),
              decision("r1", "B", 0.2, T0),
              decision("r1", "C", 0.3, T0)));
      store.add(List.of(decision("r2", "D", 0.4, T0)));
      assertInstanceOf(DecisionStore.UnknownApplicant.class, store.find("r1", "A"));
      assertEquals(
          2, assertInstanceOf(DecisionStore.Ambiguous.class, store.find("r1", null)).decisions());
      store.add(List.of(decision("r3", "E", 0.4, T0)));
      assertEquals("C", found(store.find("r1", null)).applicantId());
    }
  }

  @Test
  void oneRequestIdOnManyDecisionsKeepsOnlyTheNewestWithinTheBound() {
    try (DecisionStore store = open(100)) {
      for (int i = 0; i < 1_000; i++) {
        store.add(List.of(decision("same", "A" + i, 0.1, T0)));
      }
      assertEquals(
          100,
          assertInstanceOf(DecisionStore.Ambiguous.class, store.find("same", null)).decisions());
      assertEquals("A999", found(store.find("same", "A999")).applicantId());
      assertEquals("A900", found(store.find("same", "A900")).applicantId());
      assertInstanceOf(DecisionStore.UnknownApplicant.class, store.find("same", "A899"));
    }
  }

  @Test
  void decisionsOlderThanTheRetentionAreEvictedWithTheirOutcomes() {
    try (DecisionStore store = open(100)) {
      store.add(List.of(decision("old", "A", 0.1, T0)));
      record(store, entry(store.find("old", null)), true, T0);
      clock.advance(Duration.ofDays(20));
      store.add(List.of(decision("new", "B", 0.1, clock.instant())));
      store.evictExpired();
      assertEquals(2, store.size());
      clock.advance(Duration.ofDays(11)); // "old" is now 31 days old, "new" 11
      store.evictExpired();
      assertInstanceOf(DecisionStore.UnknownRequest.class, store.find("old", null));
      assertInstanceOf(DecisionStore.UnknownApplicant.class, store.find(null, "A"));
      assertEquals("new", found(store.find("new", null)).requestId());
      assertEquals(1, store.evicted());
      assertEquals(0, store.outcomes());
      assertEquals(
          List.of(new DecisionStore.VersionCount("credit-risk", "2", 1, 0)), counts(store));
    }
  }

  @Test
  void countsAndVisitsTheOutcomesOfEachVersion() {
    try (DecisionStore store = open(100)) {
      store.add(
          List.of(
              decision("r1", "A", 0.125, T0),
              decision("r2", "B", 0.25, T0),
              new NewDecision("r3", "C", "credit-risk", "3", 0.5, 500, "decline", T0)));
      record(store, entry(store.find("r1", null)), true, T0.plusSeconds(1));
      record(store, entry(store.find("r3", null)), false, T0.plusSeconds(2));
      List<String> visited = new ArrayList<>();
      List<DecisionStore.VersionCount> counts =
          new ArrayList<>(
              store.countAndVisitOutcomes(
                  T0,
                  10,
                  (model, version, pd, decision, seq, o) ->
                      visited.add(
                          version
                              + " "
                              + pd
                              + " "
                              + decision
                              + " "
                              + o.defaulted()
                              + " "
                              + o.observedAt())));
      counts.sort(java.util.Comparator.comparing(DecisionStore.VersionCount::modelVersion));
      assertEquals(
          List.of(
              new DecisionStore.VersionCount("credit-risk", "2", 2, 1),
              new DecisionStore.VersionCount("credit-risk", "3", 1, 1)),
          counts);
      visited.sort(null);
      assertEquals(
          List.of(
              "2 0.125 approve true " + T0.plusSeconds(1),
              "3 0.5 decline false " + T0.plusSeconds(2)),
          visited);
    }
  }

  static List<DecisionStore.VersionCount> counts(DecisionStore store) {
    return store.countAndVisitOutcomes(T0, 1, (m, v, pd, d, seq, o) -> {});
  }

  /** What {@link DecisionStore#visitLabelled} gave for one decision. */
  record Visited(double pd, String decision, Instant decidedAt, String groups, Boolean defaulted) {}

  static Map<Long, Visited> labelled(DecisionStore store) {
    Map<Long, Visited> visited = new TreeMap<>();
    store.visitLabelled(
        (model, version, pd, decision, decidedAt, seq, groups, outcome) ->
            assertNull(
                visited.put(
                    seq,
                    new Visited(
                        pd,
                        decision,
                        decidedAt,
                        groups,
                        outcome == null ? null : outcome.defaulted())),
                "each decision is visited once"));
    return visited;
  }

  @Test
  void labelsAreMergedAttributeByAttributeAndVisitedWithTheirOutcomes() {
    try (DecisionStore store = open(100)) {
      store.add(
          List.of(
              decision("r1", "A", 0.1, T0),
              decision("r2", "B", 0.3, T0.plusSeconds(1)),
              decision("r3", "C", 0.2, T0)));
      DecisionStore.Entry a = entry(store.find("r1", null));
      DecisionStore.Entry b = entry(store.find("r2", null));
      store.labelAll(
          List.of(
              new DecisionStore.NewLabels(a, "sex=female"),
              new DecisionStore.NewLabels(b, "age_band=55+;sex=male")));
      // Found again (as another replica would): a new attribute joins, a given one is replaced.
      store.labelAll(
          List.of(
              new DecisionStore.NewLabels(entry(store.find(null, "A")), "age_band=<25"),
              new DecisionStore.NewLabels(entry(store.find(null, "B")), "sex=female")));
      record(store, a, true, T0.plusSeconds(60));

      Map<Long, Visited> visited = labelled(store);
      assertEquals(
          Map.of(
              a.decision.seq(),
              new Visited(0.1, "approve", T0, "age_band=<25;sex=female", true),
              b.decision.seq(),
              new Visited(0.3, "refer", T0.plusSeconds(1), "age_band=55+;sex=female", null)),
          visited,
          "r3 has no labels and is not visited");
    }
  }

  @Test
  void anEvictedDecisionTakesItsLabelsAlong() {
    try (DecisionStore store = open(2)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
      DecisionStore.Entry e = entry(store.find("r1", null));
      store.labelAll(List.of(new DecisionStore.NewLabels(e, "sex=male")));
      assertEquals(1, labelled(store).size());
      store.add(List.of(decision("r2", "B", 0.2, T0), decision("r3", "C", 0.3, T0)));
      assertEquals(Map.of(), labelled(store));
      store.labelAll(List.of(new DecisionStore.NewLabels(e, "sex=female")));
      assertEquals(Map.of(), labelled(store), "labels for an evicted decision are dropped");
    }
  }
}
