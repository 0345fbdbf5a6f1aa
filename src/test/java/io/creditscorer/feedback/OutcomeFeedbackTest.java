package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.feedback.OutcomeResult.Result;
import io.creditscorer.spi.AuditRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outcomes joined to decisions through the real store (in a temporary directory), with a clock the
 * test moves: per-item results, restarts, and the sliding window's figures against hand-computed
 * values.
 */
class OutcomeFeedbackTest {

  static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
  static final PerformanceWindows.Settings WINDOW =
      new PerformanceWindows.Settings(4, Duration.ofDays(30), 2);
  static final FairnessWindows.Settings FAIRNESS =
      new FairnessWindows.Settings(MonitoredGroups.DEFAULT, 30, 0.1);

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  MeterRegistry registry = new SimpleMeterRegistry();

  final java.util.concurrent.atomic.AtomicBoolean diskFull =
      new java.util.concurrent.atomic.AtomicBoolean();

  OutcomeFeedback open() {
    return new OutcomeFeedback(
        store(),
        new FeedbackSettings(100, 50, Duration.ofSeconds(1), WINDOW, FAIRNESS),
        clock,
        (model, version) -> version.equals("2"),
        registry);
  }

  /** A store with at most 1000 decisions, kept 400 days, that fails while {@link #breakStore}. */
  DecisionStore store() {
    return FileDecisionStore.open(
        dir,
        1000,
        Duration.ofDays(400),
        clock,
        file -> new FileDecisionStoreTest.DiskThatFills(file, diskFull));
  }

  /** The store cannot be written (a full disk) until {@link #repairStore}; nothing is lost. */
  void breakStore() throws Exception {
    diskFull.set(true);
  }

  void repairStore() throws Exception {
    diskFull.set(false);
  }

  static AuditRecord decision(String requestId, String applicantId, String version, double pd) {
    String decision = pd < 1.0 / 6 ? "approve" : pd < 0.5 ? "refer" : "decline";
    return new AuditRecord(
        requestId,
        null,
        applicantId,
        "credit-risk",
        version,
        "model-sha",
        "policy-1",
        null,
        "input-hmac",
        "key-1",
        pd,
        600,
        decision,
        List.of());
  }

  static OutcomeReport outcome(
      String requestId, String applicantId, Boolean defaulted, Instant at) {
    return new OutcomeReport(requestId, applicantId, defaulted, at, List.of());
  }

  static List<Result> results(OutcomeFeedback.OutcomeReply reply) {
    return reply.results().stream().map(OutcomeResult::result).toList();
  }

  @Test
  void aStoreThatCannotBeWrittenAnswers503RecordsNothingAndTheRetryIsAcceptedOnceItCan()
      throws Exception {
    try (OutcomeFeedback f = open()) {
      f.record(decision("r1", "A", "2", 0.3));
      f.record(decision("r2", "B", "2", 0.3));
      f.processPending();
      breakStore();
      io.creditscorer.error.ScoringException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              io.creditscorer.error.ScoringException.class,
              () ->
                  f.report(List.of(outcome("r1", null, true, T0), outcome("r2", null, false, T0))));
      assertEquals(io.creditscorer.error.ScoringException.Kind.UNAVAILABLE, e.kind());
      assertEquals(1.0, registry.get("scorer.decision.store.write.failures").counter().count());

      repairStore();
      assertEquals(
          List.of(Result.ACCEPTED, Result.ACCEPTED),
          results(f.report(List.of(outcome("r1", null, true, T0), outcome("r2", null, false, T0)))),
          "the retry is accepted, not a duplicate");
    }
  }

  @Test
  void decisionsQueuedWhileTheStoreCannotBeWrittenAreKeptAndWrittenOnceItCan() throws Exception {
    try (OutcomeFeedback f = open()) {
      breakStore();
      f.record(decision("r1", "A", "2", 0.3));
      assertThrows(java.io.UncheckedIOException.class, f::processPending);
      f.record(decision("r2", "B", "2", 0.3));
      assertEquals(1.0, gauge("scorer.decision.store.pending"), "r2 waits; r1 is held apart");
      repairStore();
      f.processPending(); // r1
      f.processPending(); // r2
      assertEquals(0.0, gauge("scorer.decision.store.pending"));
      assertEquals(
          List.of(Result.ACCEPTED, Result.ACCEPTED),
          results(
              f.report(List.of(outcome("r1", null, true, T0), outcome("r2", null, false, T0)))));
    }
  }

  @Test
  void aFullQueueRefusesTheDecisionWith503RatherThanIssueItUnrecorded() {
    try (OutcomeFeedback f = open()) {
      double capacity = gauge("scorer.decision.store.pending.capacity");
      for (int i = 0; i < capacity; i++) {
        f.record(decision("r" + i, "A" + i, "2", 0.3));
      }
      io.creditscorer.error.ScoringException e =
          assertThrows(
              io.creditscorer.error.ScoringException.class,
              () -> f.record(decision("late", "Z", "2", 0.3)));
      assertEquals(io.creditscorer.error.ScoringException.Kind.UNAVAILABLE, e.kind());
      assertEquals(1.0, registry.get("scorer.decision.store.refused").counter().count());
      f.processPending();
      f.record(decision("late", "Z", "2", 0.3)); // room again once written
      assertEquals(
          List.of(Result.ACCEPTED, Result.UNKNOWN_REQUEST_ID),
          results(
              f.report(
                  List.of(
                      outcome("r" + (int) (capacity - 1), null, true, T0),
                      outcome("never", null, true, T0)))));
    }
  }

  @Test
  void laterItemsOfOneCallAboutTheSameDecisionSeeTheOutcomeItAccepted() {
    try (OutcomeFeedback f = open()) {
      f.record(decision("r1", "A", "2", 0.3));
      OutcomeFeedback.OutcomeReply reply =
          f.report(
              List.of(
                  outcome("r1", null, true, T0),
                  outcome("r1", null, true, T0),
                  outcome("r1", null, false, T0)));
      assertEquals(
          List.of(Result.ACCEPTED, Result.DUPLICATE, Result.CONTRADICTING), results(reply));
      for (OutcomeResult r : reply.results()) {
        assertTrue(r.decision().outcome().defaulted(), "each answer shows the kept outcome");
      }
    }
  }

  @Test
  void anOutcomeJoinsTheDecisionJustMade() {
    try (OutcomeFeedback f = open()) {
      f.record(decision("r1", "A", "2", 0.3));
      OutcomeFeedback.OutcomeReply reply = f.report(List.of(outcome("r1", null, true, T0)));
      OutcomeResult r = reply.results().get(0);
      assertEquals(Result.ACCEPTED, r.result());
      assertEquals("2", r.decision().modelVersion());
      assertEquals(0.3, r.decision().probabilityOfDefault());
      assertEquals("refer", r.decision().decision());
      assertEquals(T0, r.decision().decidedAt());
      assertTrue(r.decision().outcome().defaulted());
      assertEquals(clock.instant(), reply.recordedAt());
    }
  }

  @Test
  void duplicatesAndContradictionsChangeNothing() {
    try (OutcomeFeedback f = open()) {
      f.record(decision("r1", "A", "2", 0.3));
      OutcomeFeedback.OutcomeReply reply =
          f.report(
              List.of(
                  outcome("r1", null, true, T0),
                  outcome("r1", "A", true, T0.plusSeconds(60)),
                  outcome(null, "A", false, T0)));
      assertEquals(
          List.of(Result.ACCEPTED, Result.DUPLICATE, Result.CONTRADICTING), results(reply));
      OutcomeResult contradicting = reply.results().get(2);
      assertTrue(contradicting.decision().outcome().defaulted(), "the first outcome is kept");
      assertEquals(T0, contradicting.decision().outcome().observedAt());
      assertTrue(contradicting.message().contains("defaulted=true"), contradicting.message());
      assertEquals(
          List.of(Result.DUPLICATE), results(f.report(List.of(outcome("r1", null, true, T0)))));
      assertEquals(1, f.refresh().versions().get(0).outcomesStored());
      assertEquals(
          1.0, registry.get("scorer.outcomes").tag("result", "accepted").counter().count());
      assertEquals(
          2.0, registry.get("scorer.outcomes").tag("result", "duplicate").counter().count());
      assertEquals(
          1.0, registry.get("scorer.outcomes").tag("result", "contradicting").counter().count());
    }
  }

  @Test
  void unknownIdsAndAmbiguousRequestsAreAnsweredPerItem() {
    try (OutcomeFeedback f = open()) {
      f.record(decision("r1", "A", "2", 0.3));
      f.record(decision("r1", "B", "2", 0.4));
      OutcomeFeedback.OutcomeReply reply =
          f.report(
              List.of(
                  outcome("nope", null, true, T0),
                  outcome("r1", "Z", true, T0),
                  outcome(null, "Z", true, T0),
                  outcome("r1", null, true, T0),
                  outcome("r1", "B", false, T0)));
      assertEquals(
          List.of(
              Result.UNKNOWN_REQUEST_ID,
              Result.UNKNOWN_APPLICANT_ID,
              Result.UNKNOWN_APPLICANT_ID,
              Result.INVALID,
              Result.ACCEPTED),
          results(reply));
      assertEquals(
          List.of(
              new FieldError(
                  "outcomes[3].applicant_id", "is required: request r1 holds 2 decisions")),
          reply.results().get(3).errors());
      assertEquals(0.4, reply.results().get(4).decision().probabilityOfDefault());
      assertNull(reply.results().get(0).decision());
      assertEquals(1, reply.counts().get(Result.ACCEPTED));
      assertEquals(2, reply.counts().get(Result.UNKNOWN_APPLICANT_ID));
    }
  }

  @Test
  void invalidOutcomesNameTheirField() {
    try (OutcomeFeedback f = open()) {
      f.record(decision("r1", "A", "2", 0.3));
      OutcomeFeedback.OutcomeReply reply =
          f.report(
              List.of(
                  outcome("r1", null, null, T0),
                  outcome("r1", null, true, clock.instant().plus(Duration.ofHours(1))),
                  outcome("r1", null, true, clock.instant().minus(Duration.ofHours(1))),
                  outcome(null, " ", true, T0),
                  new OutcomeReport(
                      "r1",
                      null,
                      null,
                      null,
                      List.of(
                          new FieldError("defaulted", "must be true or false, not a string"),
                          new FieldError("observed_at", "'yesterday' is not an ISO-8601 time")))));
      assertEquals(Collections.nCopies(5, Result.INVALID), results(reply));
      assertEquals(List.of("outcomes[0].defaulted"), fields(reply.results().get(0)));
      assertEquals(List.of("outcomes[1].observed_at"), fields(reply.results().get(1)));
      assertTrue(reply.results().get(1).errors().get(0).problem().startsWith("is in the future"));
      assertEquals(List.of("outcomes[2].observed_at"), fields(reply.results().get(2)));
      assertTrue(
          reply.results().get(2).errors().get(0).problem().startsWith("precedes the decision"));
      assertEquals(List.of("outcomes[3].request_id"), fields(reply.results().get(3)));
      // The door's problems are kept, each once, with the item's path.
      assertEquals(
          List.of("outcomes[4].defaulted", "outcomes[4].observed_at"),
          fields(reply.results().get(4)));
      // Nothing was recorded: a valid outcome is still accepted.
      assertEquals(
          List.of(Result.ACCEPTED), results(f.report(List.of(outcome("r1", null, false, T0)))));
    }
  }

  static List<String> fields(OutcomeResult r) {
    return r.errors().stream().map(FieldError::field).toList();
  }

  @Test
  void anEmptyOrTooLongReportIsRefusedAsAWhole() {
    try (OutcomeFeedback f = open()) {
      InvalidInputException empty =
          assertThrows(InvalidInputException.class, () -> f.report(List.of()));
      assertEquals("outcomes", empty.errors().get(0).field());
      List<OutcomeReport> many = Collections.nCopies(51, outcome("r1", null, true, T0));
      InvalidInputException tooMany =
          assertThrows(InvalidInputException.class, () -> f.report(many));
      assertEquals("outcomes", tooMany.errors().get(0).field());
      assertTrue(tooMany.getMessage().contains("at most 50"), tooMany.getMessage());
    }
  }

  @Test
  void aRestartNeitherLosesNorDoubleCounts() {
    List<OutcomeReport> outcomes = new ArrayList<>();
    PerformanceWindows.VersionPerformance before;
    try (OutcomeFeedback f = open()) {
      for (int i = 0; i < 20; i++) {
        f.record(decision("r" + i, "A" + i, "2", i / 20.0));
        outcomes.add(outcome("r" + i, null, i % 3 == 0, T0));
      }
      clock.advance(Duration.ofDays(1));
      assertEquals(Collections.nCopies(20, Result.ACCEPTED), results(f.report(outcomes)));
      before = f.refresh().versions().get(0);
    }
    assertEquals(20, before.outcomesStored());
    assertEquals(4, before.outcomes()); // the window keeps 4
    registry = new SimpleMeterRegistry();
    try (OutcomeFeedback f = open()) {
      assertEquals(before, f.refresh().versions().get(0));
      assertEquals(Collections.nCopies(20, Result.DUPLICATE), results(f.report(outcomes)));
      assertEquals(before, f.refresh().versions().get(0));
      assertEquals(
          before.auc(),
          registry
              .get("scorer.outcome.auc")
              .tags("model", "credit-risk", "version", "2")
              .gauge()
              .value());
    }
  }

  @Test
  void theWindowSlidesByCountAndByTime() {
    clock.advance(Duration.ofDays(-1)); // decisions a day before the first outcome
    try (OutcomeFeedback f = open()) {
      double[] pd = {0.1, 0.4, 0.35, 0.8, 0.7};
      for (int i = 0; i < pd.length; i++) {
        f.record(decision("r" + i, null, "1", pd[i]));
      }
      f.record(decision("s", null, "2", 0.2));
      boolean[] defaulted = {false, false, true, true};
      clock.advance(Duration.ofDays(4)); // now T0 + 3 days
      for (int i = 0; i < 4; i++) {
        f.report(List.of(outcome("r" + i, null, defaulted[i], T0.plus(Duration.ofDays(i)))));
      }

      PerformanceWindows.VersionPerformance v1 = version(f.refresh(), "1");
      assertEquals(4, v1.outcomes());
      assertEquals(2, v1.defaults());
      assertEquals(0.75, v1.auc(), 1e-12);
      assertEquals(0.158125, v1.brier(), 1e-12);
      // Bands [0, 0.5): 0.1, 0.4, 0.35 (1 of 3 defaulted); [0.5, 1]: 0.8 (defaulted).
      assertEquals(3, v1.calibration().get(0).outcomes());
      assertEquals(0.85 / 3, v1.calibration().get(0).meanPredicted(), 1e-12);
      assertEquals(1.0 / 3, v1.calibration().get(0).observedDefaultRate(), 1e-12);
      assertEquals(3.0 / 4 * 0.05 + 1.0 / 4 * 0.2, v1.calibrationError(), 1e-12);
      // approve 0.1 (repaid); refer 0.4 (repaid), 0.35 (defaulted); decline 0.8 (defaulted).
      assertEquals(
          List.of(
              new PerformanceWindows.DecisionBand("approve", 1, 0, 0.0),
              new PerformanceWindows.DecisionBand("refer", 2, 1, 0.5),
              new PerformanceWindows.DecisionBand("decline", 1, 1, 1.0)),
          v1.byDecision());
      assertEquals(false, v1.stable());
      assertEquals(0.75, gauge("scorer.outcome.auc", "1"), 1e-12);
      assertEquals(0.158125, gauge("scorer.outcome.brier", "1"), 1e-12);
      assertEquals(4, gauge("scorer.outcome.window.outcomes", "1"));
      assertEquals(0, gauge("scorer.outcome.stable", "1"));
      assertEquals(1, gauge("scorer.outcome.stable", "2"));
      assertEquals(
          0.5,
          registry
              .get("scorer.outcome.bad.rate")
              .tags("model", "credit-risk", "version", "1", "decision", "refer")
              .gauge()
              .value());
      PerformanceWindows.VersionPerformance v2 = version(f.performance(), "2");
      assertEquals(0, v2.outcomes());
      assertTrue(Double.isNaN(v2.auc()));

      // A fifth outcome: the window keeps the latest 4 (r1..r4).
      clock.advance(Duration.ofDays(1));
      f.report(List.of(outcome("r4", null, true, T0.plus(Duration.ofDays(4)))));
      v1 = version(f.refresh(), "1");
      assertEquals(4, v1.outcomes());
      assertEquals(5, v1.outcomesStored());
      // Defaulted 0.35, 0.8, 0.7 against repaid 0.4: 2 of 3 pairs.
      assertEquals(2.0 / 3, v1.auc(), 1e-12);
      assertEquals((0.16 + 0.4225 + 0.04 + 0.09) / 4, v1.brier(), 1e-12);

      // 30 days after T0 + 1.5 days, r1 (observed T0 + 1 day) has left the window: one class only.
      clock.advance(Duration.ofDays(27).plusHours(12)); // T0 + 31.5 days
      v1 = version(f.refresh(), "1");
      assertEquals(3, v1.outcomes());
      assertTrue(Double.isNaN(v1.auc()));
      assertTrue(Double.isNaN(gauge("scorer.outcome.auc", "1")));
      assertEquals((0.4225 + 0.04 + 0.09) / 3, v1.brier(), 1e-12);
      assertEquals(1.0, v1.defaultRate());
    }
  }

  static PerformanceWindows.VersionPerformance version(PerformanceWindows.Report r, String v) {
    return r.versions().stream().filter(p -> p.version().equals(v)).findFirst().orElseThrow();
  }

  double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  double gauge(String name, String version) {
    return registry.get(name).tags("model", "credit-risk", "version", version).gauge().value();
  }
}
