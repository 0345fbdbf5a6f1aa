package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded decision store: its files across close and reopen, a full disk. */
class FileDecisionStoreTest extends DecisionStoreContract {

  @TempDir Path dir;

  @Override
  FileDecisionStore open(int maxEntries) {
    return FileDecisionStore.open(dir, maxEntries, Duration.ofDays(30), clock);
  }

  @Test
  void labelsAreReplayedAtReopen() {
    Map<Long, Visited> before;
    try (FileDecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0), decision("r2", "B", 0.2, T0)));
      store.labelAll(
          List.of(new DecisionStore.NewLabels(entry(store.find("r1", null)), "sex=female")));
      store.labelAll(
          List.of(new DecisionStore.NewLabels(entry(store.find("r1", null)), "foreign_worker=no")));
      before = labelled(store);
    }
    assertEquals(1, before.size());
    try (FileDecisionStore reopened = open(100)) {
      assertEquals(before, labelled(reopened));
    }
  }

  @Test
  void writeCloseReopenGivesTheSameContent() {
    List<StoredDecision> before;
    try (FileDecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.123456789012345, T0), decision("r2", "B", 0.2, T0)));
      clock.advance(Duration.ofMinutes(1));
      store.add(List.of(decision("r3", null, 0.7, clock.instant())));
      record(store, entry(store.find("r2", null)), true, T0.plusSeconds(5));
      store.sync();
      before = store.contents();
    }
    assertEquals(3, before.size());
    try (FileDecisionStore reopened = open(100)) {
      assertEquals(before, reopened.contents());
      assertEquals(1, reopened.outcomes());
      // Lookups and sequence numbers carry on.
      assertEquals("B", found(reopened.find(null, "B")).applicantId());
      reopened.add(List.of(decision("r4", "D", 0.3, T0)));
      assertEquals(4, reopened.contents().get(3).seq());
    }
  }

  @Test
  void evictionsAreCountedOnceAcrossARestart() {
    try (FileDecisionStore store = open(3)) {
      for (int i = 1; i <= 5; i++) {
        store.add(List.of(decision("r" + i, "A" + (i % 2), i / 10.0, T0)));
      }
      assertEquals(2, store.evicted());
    }
    try (FileDecisionStore reopened = open(3)) {
      assertEquals(List.of("r3", "r4", "r5"), requestIds(reopened));
      assertEquals(0, reopened.evicted()); // counted once, by the run that evicted them
    }
  }

  @Test
  void wholeSegmentsAreDeletedOnceEvictedSoTheDiskStaysBounded() throws Exception {
    try (FileDecisionStore store = open(10)) {
      for (int i = 0; i < 5000; i++) {
        store.add(List.of(decision("r" + i, "A" + i, 0.1, T0)));
      }
      assertEquals(4990, store.evicted());
      assertEquals(1, store.segmentCount(), "decisions 4001-5000 are in the one left");
      assertEquals(FileDecisionStore.MIN_SEGMENT, store.diskLines());
      store.add(List.of(decision("r5000", "A5000", 0.1, T0)));
      assertEquals(2, store.segmentCount(), "a full segment is closed and the next started");
    }
    assertEquals(2, segmentFiles().size());
    try (FileDecisionStore reopened = open(10)) {
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
    try (FileDecisionStore store = open(5000)) {
      for (int i = 0; i < FileDecisionStore.MIN_SEGMENT + 10; i++) {
        store.add(List.of(decision("r" + i, "A" + i, 0.1, T0)));
      }
      assertEquals(2, store.segmentCount());
      record(store, entry(store.find("r3", null)), true, T0);
      store.sync();
    }
    try (FileDecisionStore reopened = open(5000)) {
      assertEquals(FileDecisionStore.MIN_SEGMENT + 10, reopened.size());
      assertEquals(1, reopened.outcomes());
      assertTrue(reopened.contents().get(3).outcome().defaulted());
    }
  }

  @Test
  void aTornLastLineIsSkippedAndTheNextLineStartsOnItsOwn() throws Exception {
    List<StoredDecision> before;
    try (FileDecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
      before = store.contents();
    }
    Path file = segmentFiles().get(0);
    Files.writeString(
        file,
        "{\"type\":\"decision\",\"seq\":2,\"request_id\":\"r2\",\"mod",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (FileDecisionStore reopened = open(100)) {
      assertEquals(before, reopened.contents());
      reopened.add(List.of(decision("r3", "C", 0.3, T0)));
    }
    try (FileDecisionStore again = open(100)) {
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
    try (FileDecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
      record(store, entry(store.find("r1", null)), true, T0);
      store.sync();
    }
    try (FileDecisionStore reopened = open(100)) {
      DecisionStore.Entry e = ((DecisionStore.Found) reopened.find("r1", null)).entry();
      assertFalse(record(reopened, e, true, T0).recorded());
      assertFalse(record(reopened, e, false, T0).recorded());
      assertEquals(1, reopened.outcomes());
    }
    try (FileDecisionStore third = open(100)) {
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
    try (FileDecisionStore store =
        FileDecisionStore.open(
            dir, 100, Duration.ofDays(30), clock, f -> new DiskThatFills(f, full))) {
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
      assertTrue(record(store, again, true, T0).recorded());
      assertEquals(1, store.outcomes());
    }
    try (FileDecisionStore reopened = open(100)) {
      assertEquals(1, reopened.outcomes(), "exactly the outcome that was answered accepted");
      assertTrue(found(reopened.find("r1", null)).outcome().defaulted());
    }
  }

  @Test
  void replaySkipsLinesThatAreNotUtf8OrTooLongAndKeepsTheRest() throws Exception {
    try (FileDecisionStore store = open(100)) {
      store.add(List.of(decision("r1", "A", 0.1, T0)));
    }
    Path file = segmentFiles().get(0);
    byte[] notUtf8 = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', '}', '\n'};
    Files.write(file, notUtf8, StandardOpenOption.APPEND);
    byte[] huge = new byte[io.creditscorer.journal.SegmentLog.MAX_LINE_BYTES + 10];
    java.util.Arrays.fill(huge, (byte) 'x');
    Files.write(file, huge, StandardOpenOption.APPEND);
    Files.write(file, new byte[] {'\n'}, StandardOpenOption.APPEND);
    try (FileDecisionStore reopened = open(100)) {
      assertEquals(List.of("r1"), requestIds(reopened));
      reopened.add(List.of(decision("r2", "B", 0.2, T0)));
    }
    try (FileDecisionStore again = open(100)) {
      assertEquals(List.of("r1", "r2"), requestIds(again));
    }
  }

  static List<String> requestIds(FileDecisionStore store) {
    List<String> ids = new ArrayList<>();
    store.forEach(d -> ids.add(d.requestId()));
    return ids;
  }
}
