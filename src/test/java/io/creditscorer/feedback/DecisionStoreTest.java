package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.feedback.DecisionStore.NewDecision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decision store: lookups, bounds, and its file across close and reopen. */
class DecisionStoreTest {

  static final Instant T0 = Instant.parse("2026-01-05T09:00:00.123456Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  DecisionStore open(int maxEntries) {
    return DecisionStore.open(dir, maxEntries, Duration.ofDays(30), clock);
  }

  static NewDecision decision(String requestId, String applicantId, double pd, Instant at) {
    return new NewDecision(
        requestId, applicantId, "credit-risk", "2", pd, 600, pd < 0.2 ? "approve" : "refer", at);
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
      assertNull(found(store.find("r4", null)).applicantId());
    }
  }

  static StoredDecision found(DecisionStore.Match m) {
    return assertInstanceOf(DecisionStore.Found.class, m).entry().decision;
  }

  @Test
  void theFirstOutcomeIsKept() {
    try (DecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
      DecisionStore.Entry e = ((DecisionStore.Found) store.find("r1", null)).entry();
      Instant seen = T0.plus(Duration.ofDays(1));
      assertEquals(DecisionStore.Recorded.ACCEPTED, store.record(e, true, seen));
      assertEquals(DecisionStore.Recorded.DUPLICATE, store.record(e, true, seen.plusSeconds(9)));
      assertEquals(DecisionStore.Recorded.CONTRADICTING, store.record(e, false, seen));
      assertEquals(new DecisionStore.Outcome(true, seen, T0), e.decision.outcome());
      assertEquals(1, store.outcomes());
    }
  }

  @Test
  void anEntryEvictedAfterItWasFoundIsNotRecorded() {
    try (DecisionStore store = open(2)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
      DecisionStore.Entry e = ((DecisionStore.Found) store.find("r1", null)).entry();
      store.add(List.of(decision("r2", "B", 0.2, T0), decision("r3", "C", 0.3, T0)));
      assertThrows(IllegalStateException.class, () -> store.record(e, true, T0));
      assertEquals(0, store.outcomes());
      assertNull(found(store.find("r3", null)).outcome());
    }
  }

  @Test
  void writeCloseReopenGivesTheSameContent() {
    List<StoredDecision> before;
    try (DecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.123456789012345, T0), decision("r2", "B", 0.2, T0)));
      clock.advance(Duration.ofMinutes(1));
      store.add(List.of(decision("r3", null, 0.7, clock.instant())));
      store.record(((DecisionStore.Found) store.find("r2", null)).entry(), true, T0.plusSeconds(5));
      store.sync();
      before = store.contents();
    }
    assertEquals(3, before.size());
    try (DecisionStore reopened = open(100)) {
      assertEquals(before, reopened.contents());
      assertEquals(1, reopened.outcomes());
      // Lookups and sequence numbers carry on.
      assertEquals("B", found(reopened.find(null, "B")).applicantId());
      reopened.add(List.of(decision("r4", "D", 0.3, T0)));
      assertEquals(4, reopened.contents().get(3).seq());
    }
  }

  @Test
  void theOldestAreEvictedFirstAndCounted() {
    try (DecisionStore store = open(3)) {
      for (int i = 1; i <= 5; i++) {
        store.add(List.of(decision("r" + i, "A" + (i % 2), i / 10.0, T0)));
      }
      assertEquals(3, store.size());
      assertEquals(2, store.evicted());
      assertInstanceOf(DecisionStore.UnknownRequest.class, store.find("r2", null));
      assertEquals("r3", found(store.find("r3", null)).requestId());
      // A1 was last decided in r5, A0 in r4: both still found.
      assertEquals("r5", found(store.find(null, "A1")).requestId());
      assertEquals("r4", found(store.find(null, "A0")).requestId());
    }
    try (DecisionStore reopened = open(3)) {
      assertEquals(List.of("r3", "r4", "r5"), requestIds(reopened));
      assertEquals(0, reopened.evicted()); // counted once, by the run that evicted them
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
  void decisionsOlderThanTheRetentionAreEvicted() {
    try (DecisionStore store = open(100)) {
      store.add(List.of(decision("old", "A", 0.1, T0)));
      clock.advance(Duration.ofDays(20));
      store.add(List.of(decision("new", "B", 0.1, clock.instant())));
      store.evictExpired();
      assertEquals(2, store.size());
      clock.advance(Duration.ofDays(11)); // "old" is now 31 days old, "new" 11
      store.evictExpired();
      assertEquals(List.of("new"), requestIds(store));
      assertEquals(1, store.evicted());
    }
  }

  @Test
  void wholeSegmentsAreDeletedOnceEvictedSoTheDiskStaysBounded() throws Exception {
    try (DecisionStore store = open(10)) {
      for (int i = 0; i < 5000; i++) {
        store.add(List.of(decision("r" + i, "A" + i, 0.1, T0)));
      }
      assertEquals(4990, store.evicted());
      assertEquals(1, store.segmentCount(), "decisions 4001-5000 are in the one left");
      assertEquals(DecisionStore.MIN_SEGMENT, store.diskLines());
      store.add(List.of(decision("r5000", "A5000", 0.1, T0)));
      assertEquals(2, store.segmentCount(), "a full segment is closed and the next started");
    }
    assertEquals(2, segmentFiles().size());
    try (DecisionStore reopened = open(10)) {
      assertEquals(10, reopened.size());
      assertEquals("r4991", reopened.contents().get(0).requestId());
      for (int i = 5001; i < 6000; i++) {
        reopened.add(List.of(decision("r" + i, "A" + i, 0.1, T0)));
      }
      assertEquals(1, reopened.segmentCount(), "evicted past the newest segment's first");
    }
  }

  @Test
  void anOutcomeInANewerSegmentThanItsDecisionSurvivesARestart() {
    try (DecisionStore store = open(5000)) {
      for (int i = 0; i < DecisionStore.MIN_SEGMENT + 10; i++) {
        store.add(List.of(decision("r" + i, "A" + i, 0.1, T0)));
      }
      assertEquals(2, store.segmentCount());
      store.record(((DecisionStore.Found) store.find("r3", null)).entry(), true, T0);
      store.sync();
    }
    try (DecisionStore reopened = open(5000)) {
      assertEquals(DecisionStore.MIN_SEGMENT + 10, reopened.size());
      assertEquals(1, reopened.outcomes());
      assertTrue(reopened.contents().get(3).outcome().defaulted());
    }
  }

  @Test
  void aTornLastLineIsSkippedAndTheNextLineStartsOnItsOwn() throws Exception {
    List<StoredDecision> before;
    try (DecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
      before = store.contents();
    }
    Path file = segmentFiles().get(0);
    Files.writeString(
        file,
        "{\"type\":\"decision\",\"seq\":2,\"request_id\":\"r2\",\"mod",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (DecisionStore reopened = open(100)) {
      assertEquals(before, reopened.contents());
      reopened.add(List.of(decision("r3", "C", 0.3, T0)));
    }
    try (DecisionStore again = open(100)) {
      assertEquals(List.of("r1", "r3"), requestIds(again));
    }
    assertEquals(3, Files.readAllLines(file).size(), "r1, the torn line, r3");
  }

  List<Path> segmentFiles() throws Exception {
    try (var files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void anOutcomeOutlivesARestartAndIsNotCountedTwice() {
    try (DecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
      store.record(((DecisionStore.Found) store.find("r1", null)).entry(), true, T0);
      store.sync();
    }
    try (DecisionStore reopened = open(100)) {
      DecisionStore.Entry e = ((DecisionStore.Found) reopened.find("r1", null)).entry();
      assertEquals(DecisionStore.Recorded.DUPLICATE, reopened.record(e, true, T0));
      assertEquals(DecisionStore.Recorded.CONTRADICTING, reopened.record(e, false, T0));
      assertEquals(1, reopened.outcomes());
    }
    try (DecisionStore third = open(100)) {
      assertEquals(1, third.outcomes());
      assertTrue(third.contents().get(0).outcome().defaulted());
    }
  }

  /** A segment file that fails every write while {@link #full} is set: a full disk. */
  static final class DiskThatFills extends java.io.FileOutputStream {
    final java.util.concurrent.atomic.AtomicBoolean full;

    DiskThatFills(Path file, java.util.concurrent.atomic.AtomicBoolean full)
        throws java.io.IOException {
      super(file.toFile(), true);
      this.full = full;
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      if (full.get()) {
        throw new java.io.IOException("No space left on device");
      }
      super.write(b, off, len);
    }

    @Override
    public void write(int b) throws java.io.IOException {
      if (full.get()) {
        throw new java.io.IOException("No space left on device");
      }
      super.write(b);
    }
  }

  @Test
  void anOutcomeThatCannotBeWrittenIsNotRecordedAndIsAcceptedOnceTheDiskHasRoom() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean full =
        new java.util.concurrent.atomic.AtomicBoolean();
    try (DecisionStore store =
        DecisionStore.open(dir, 100, Duration.ofDays(30), clock, f -> new DiskThatFills(f, full))) {
      store.add(List.of(decision("r1", "A", 0.1, T0), decision("r2", "B", 0.2, T0)));
      long linesBefore =
          segmentFiles().size() == 1 ? Files.readAllLines(segmentFiles().get(0)).size() : -1;
      full.set(true);
      DecisionStore.Entry e1 = ((DecisionStore.Found) store.find("r1", null)).entry();
      DecisionStore.Entry e2 = ((DecisionStore.Found) store.find("r2", null)).entry();
      assertThrows(
          java.io.UncheckedIOException.class,
          () ->
              store.recordAll(
                  List.of(
                      new DecisionStore.NewOutcome(e1, true, T0),
                      new DecisionStore.NewOutcome(e2, false, T0))));
      assertEquals(0, store.outcomes(), "nothing is recorded in memory");
      assertNull(found(store.find("r1", null)).outcome());
      assertEquals(linesBefore, Files.readAllLines(segmentFiles().get(0)).size(), "nor on disk");

      full.set(false); // space returns: no restart needed
      DecisionStore.Entry again = ((DecisionStore.Found) store.find("r1", null)).entry();
      assertEquals(DecisionStore.Recorded.ACCEPTED, store.record(again, true, T0));
      assertEquals(1, store.outcomes());
    }
    try (DecisionStore reopened = open(100)) {
      assertEquals(1, reopened.outcomes(), "exactly the outcome that was answered accepted");
      assertTrue(found(reopened.find("r1", null)).outcome().defaulted());
    }
  }

  @Test
  void replaySkipsLinesThatAreNotUtf8OrTooLongAndKeepsTheRest() throws Exception {
    try (DecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
    }
    Path file = segmentFiles().get(0);
    byte[] notUtf8 = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', '}', '\n'};
    Files.write(file, notUtf8, StandardOpenOption.APPEND);
    byte[] huge = new byte[io.creditscorer.journal.SegmentLog.MAX_LINE_BYTES + 10];
    java.util.Arrays.fill(huge, (byte) 'x');
    Files.write(file, huge, StandardOpenOption.APPEND);
    Files.write(file, new byte[] {'\n'}, StandardOpenOption.APPEND);
    try (DecisionStore reopened = open(100)) {
      assertEquals(List.of("r1"), requestIds(reopened));
      reopened.add(List.of(decision("r2", "B", 0.2, T0)));
    }
    try (DecisionStore again = open(100)) {
      assertEquals(List.of("r1", "r2"), requestIds(again));
    }
  }

  static List<String> requestIds(DecisionStore store) {
    List<String> ids = new ArrayList<>();
    store.forEach(d -> ids.add(d.requestId()));
    return ids;
  }
}
