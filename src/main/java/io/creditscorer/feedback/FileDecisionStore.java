package io.creditscorer.feedback;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.journal.SegmentLog;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The embedded {@link DecisionStore}: one replica's decisions, on its own disk.
 *
 * <p><b>Bounded:</b> at most {@code maxEntries} decisions, none decided longer than {@code
 * retention} ago; the oldest are evicted first and counted ({@link #evicted()}).
 *
 * <p><b>Persistent, never rewritten:</b> append-only JSON-lines segments in the store directory,
 * {@code decisions-<first seq>.jsonl}: one line per decision (with its sequence number), one per
 * outcome and one per change of a decision's group labels (each naming that number), appended to
 * the newest segment. A segment is closed once it holds at least {@code segmentDecisions} decisions
 * (an eighth of {@code maxEntries}, at least {@value #MIN_SEGMENT}; a batch is never split) and a
 * new one started. Every line of a segment names a decision older than the next segment's first, so
 * once eviction has passed that first, the segment holds nothing live and is deleted whole: disk
 * use stays within the live content plus about one segment, and no decision is ever written twice
 * (a store that rewrote itself would stall its writer for the length of the rewrite; {@link
 * SegmentLog}). Segments are replayed in order when the store opens; a torn or unreadable line (a
 * crash mid-write) is skipped with a warning and leaves with its segment. Decisions are flushed to
 * the operating system after each {@link #add}; outcomes are synced to the device by {@link #sync}.
 *
 * <p><b>Compact in memory:</b> the live decisions are held in columns ({@link DecisionRing}), so a
 * full store turning over thousands of decisions a second leaves the garbage collector nothing to
 * copy or promote.
 *
 * <p>Thread-safe: every method locks the store; a caller may hold that lock ({@code synchronized
 * (store)}) across several calls to make them one step.
 */
public final class FileDecisionStore implements DecisionStore {

  /** Segments hold at least this many decisions, so small stores do not spread over many files. */
  static final int MIN_SEGMENT = 1000;

  private static final String SEGMENT_PREFIX = "decisions-";

  private static final Logger LOG = Logger.getLogger(DecisionStore.class);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int maxEntries;
  private final SegmentLog log;
  private final Duration retention;
  private final Clock clock;
  private final DecisionRing live = new DecisionRing();
  private final DecisionLines lines = new DecisionLines();
  private long nextSeq = 1;
  private int outcomes;
  private long evicted;
  private long changes;

  private FileDecisionStore(
      Path dir, int maxEntries, Duration retention, Clock clock, SegmentLog.Opener opener) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("scorer.feedback.store.max-entries must be at least 1");
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("scorer.feedback.store.retention must be positive");
    }
    this.dir = dir;
    this.maxEntries = maxEntries;
    this.log = new SegmentLog(dir, SEGMENT_PREFIX, Math.max(MIN_SEGMENT, maxEntries / 8), opener);
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Opens (creating if needed) the store in {@code dir}, replaying its segments; evicts what is
   * over the bounds and deletes the segments that then hold nothing live.
   *
   * @throws UncheckedIOException when the directory or a segment cannot be read or written
   */
  public static FileDecisionStore open(Path dir, int maxEntries, Duration retention, Clock clock) {
    return open(
        dir, maxEntries, retention, clock, file -> new FileOutputStream(file.toFile(), true));
  }

  /** {@link #open}, with the segments' files opened by {@code opener}. */
  static FileDecisionStore open(
      Path dir, int maxEntries, Duration retention, Clock clock, SegmentLog.Opener opener) {
    FileDecisionStore store = new FileDecisionStore(dir, maxEntries, retention, clock, opener);
    try {
      store.replay();
      store.dropDeadSegments();
      store.log.openForAppend(store.nextSeq);
    } catch (IOException e) {
      throw store.failed(e);
    }
    return store;
  }

  private void replay() throws IOException {
    int bad = log.replay(this::replay);
    if (bad > 0) {
      LOG.warnf("decision store %s: %d unreadable line(s) skipped", dir, bad);
    }
    // Evictions of an earlier run that the segments still hold are not counted again.
    long before = evicted;
    evictOverBounds();
    evicted = before;
  }

  private SegmentLog.Line replay(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      long seq = n.get("seq").asLong();
      switch (n.get("type").asText()) {
        case "decision" -> {
          live.add(seq, DecisionLines.decisionOf(n));
          nextSeq = Math.max(nextSeq, seq + 1);
          return SegmentLog.Line.RECORD;
        }
        case "outcome" -> {
          long pos = live.positionOfSeq(seq);
          if (pos != DecisionRing.NONE && live.outcome(pos) == null) {
            live.setOutcome(pos, DecisionLines.outcomeOf(n));
            outcomes++;
          }
          return SegmentLog.Line.OTHER;
        }
        case "groups" -> {
          long pos = live.positionOfSeq(seq);
          if (pos != DecisionRing.NONE) {
            live.setGroups(pos, n.get("groups").asText());
          }
          return SegmentLog.Line.OTHER;
        }
        default -> {
          return SegmentLog.Line.BAD;
        }
      }
    } catch (IOException | RuntimeException e) {
      return SegmentLog.Line.BAD;
    }
  }

  /** Deletes the segments that hold nothing live. */
  private void dropDeadSegments() throws IOException {
    log.dropBelow(live.size() == 0 ? nextSeq : live.seq(live.oldest()));
  }

  /**
   * Stores decisions in order and flushes them to the newest segment, all or none: when a line
   * cannot be written, the segment is cut back and nothing is stored, so the caller may send the
   * same decisions again. Evicts over the bounds.
   */
  @Override
  public synchronized void add(List<NewDecision> decisions) {
    if (decisions.isEmpty()) {
      return;
    }
    try {
      log.startSegmentIfFull(nextSeq);
      SegmentLog.Mark mark = log.mark();
      try {
        long seq = nextSeq;
        for (NewDecision d : decisions) {
          long s = seq++;
          log.appendRecord(g -> lines.writeDecision(g, s, d));
        }
        log.flush();
      } catch (IOException | RuntimeException e) {
        try {
          log.rollback(mark);
        } catch (IOException | RuntimeException cut) {
          e.addSuppressed(cut);
        }
        throw e instanceof IOException io ? io : new IOException(e);
      }
      for (NewDecision d : decisions) {
        live.add(nextSeq++, d);
      }
      changes++;
      evictOverBounds();
      dropDeadSegments();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public synchronized void evictExpired() {
    long before = evicted;
    evictOverBounds();
    if (evicted != before) {
      try {
        dropDeadSegments();
      } catch (IOException e) {
        throw failed(e);
      }
    }
  }

  private void evictOverBounds() {
    Instant oldest = clock.instant().minus(retention);
    while (live.size() > 0 && (live.size() > maxEntries || live.oldestDecidedBefore(oldest))) {
      if (live.evictOldest()) {
        outcomes--;
      }
      evicted++;
      changes++;
    }
  }

  @Override
  public synchronized List<Match> findAll(List<Lookup> lookups) {
    List<Match> matches = new ArrayList<>(lookups.size());
    for (Lookup l : lookups) {
      matches.add(find(l));
    }
    return matches;
  }

  private Match find(Lookup lookup) {
    String requestId = lookup.requestId();
    String applicantId = lookup.applicantId();
    if (requestId == null) {
      long pos = live.latestOfApplicant(applicantId);
      return pos == DecisionRing.NONE ? new UnknownApplicant() : found(pos);
    }
    long newest = live.newestOfRequest(requestId);
    if (newest == DecisionRing.NONE) {
      return new UnknownRequest();
    }
    if (applicantId != null) {
      for (long p = newest; p != DecisionRing.NONE; p = live.olderOfRequest(p)) {
        if (applicantId.equals(live.applicantId(p))) {
          return found(p);
        }
      }
      return new UnknownApplicant();
    }
    int n = 0;
    for (long p = newest; p != DecisionRing.NONE; p = live.olderOfRequest(p)) {
      n++;
    }
    return n == 1 ? found(newest) : new Ambiguous(n);
  }

  private Found found(long pos) {
    return new Found(new Entry(pos, live.decision(pos)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The accepted outcomes' lines are appended and synced to the device first, and only then do
   * the decisions hold them in memory. When writing or syncing fails, the lines are cut off again.
   */
  @Override
  public synchronized List<Recording> recordAll(List<NewOutcome> outcomes) {
    Instant now = clock.instant();
    List<Recording> recordings = new ArrayList<>(outcomes.size());
    Map<Long, Outcome> accepted = new LinkedHashMap<>();
    for (NewOutcome n : outcomes) {
      Entry entry = n.entry();
      long seq = entry.decision.seq();
      boolean live = entry.position >= this.live.oldest() && this.live.seq(entry.position) == seq;
      Outcome kept = live ? accepted.getOrDefault(seq, this.live.outcome(entry.position)) : null;
      if (!live || kept != null) {
        recordings.add(new Recording(false, kept));
      } else {
        Outcome o = new Outcome(n.defaulted(), n.observedAt(), now);
        accepted.put(seq, o);
        recordings.add(new Recording(true, o));
      }
    }
    if (accepted.isEmpty()) {
      return recordings;
    }
    appendSynced(accepted, lines::writeOutcome);
    for (int i = 0; i < outcomes.size(); i++) {
      Recording r = recordings.get(i);
      if (r.recorded()) {
        Entry entry = outcomes.get(i).entry();
        live.setOutcome(entry.position, r.kept());
        entry.decision = entry.decision.withOutcome(r.kept());
        this.outcomes++;
        changes++;
      }
    }
    return recordings;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The merged labels' lines are appended and synced first; when that fails they are cut off
   * again and nothing changes.
   */
  @Override
  public synchronized void labelAll(List<NewLabels> labels) {
    Map<Long, String> merged = new LinkedHashMap<>();
    Map<Long, Long> positions = new LinkedHashMap<>();
    for (NewLabels l : labels) {
      Entry entry = l.entry();
      long seq = entry.decision.seq();
      if (entry.position >= live.oldest() && live.seq(entry.position) == seq) {
        String before = merged.containsKey(seq) ? merged.get(seq) : live.groups(entry.position);
        merged.put(seq, MonitoredGroups.merge(before, l.groups()));
        positions.put(seq, entry.position);
      }
    }
    merged.entrySet().removeIf(e -> e.getValue().equals(live.groups(positions.get(e.getKey()))));
    if (merged.isEmpty()) {
      return;
    }
    appendSynced(merged, lines::writeGroups);
    merged.forEach((seq, groups) -> live.setGroups(positions.get(seq), groups));
    changes++;
  }

  @Override
  public synchronized void visitLabelled(LabelledVisitor visitor) {
    live.visitLabelled(visitor);
  }

  /** A line writer for one decision's value. */
  @FunctionalInterface
  private interface LineWriter<T> {
    void write(JsonGenerator g, long seq, T value) throws IOException;
  }

  /** Appends one line per entry and syncs, all or none: on failure the lines are cut off again. */
  private <T> void appendSynced(Map<Long, T> values, LineWriter<T> writer) {
    SegmentLog.Mark mark;
    try {
      mark = log.mark();
    } catch (IOException e) {
      throw failed(e);
    }
    try {
      for (Map.Entry<Long, T> v : values.entrySet()) {
        log.append(g -> writer.write(g, v.getKey(), v.getValue()));
      }
      log.sync();
    } catch (IOException | RuntimeException e) {
      try {
        log.rollback(mark);
      } catch (IOException | RuntimeException cut) {
        e.addSuppressed(cut);
      }
      throw failed(e instanceof IOException io ? io : new IOException(e));
    }
  }

  /** Flushes and syncs the newest segment (where outcomes go) to the device. */
  public synchronized void sync() {
    try {
      log.sync();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private UncheckedIOException failed(IOException e) {
    return new UncheckedIOException(
        "decision store " + dir + " (scorer.feedback.store.path): " + e.getMessage(), e);
  }

  /** Visits every live decision, oldest first, under the lock. */
  public synchronized void forEach(Consumer<StoredDecision> visitor) {
    long end = live.oldest() + live.size();
    for (long p = live.oldest(); p < end; p++) {
      visitor.accept(live.decision(p));
    }
  }

  /** Counts in one pass over the live decisions, visiting every outcome (not only recent ones). */
  @Override
  public synchronized List<VersionCount> countAndVisitOutcomes(
      Instant oldest, int latest, OutcomeVisitor visitor) {
    return live.countAndVisitOutcomes(visitor);
  }

  /** Every live decision, oldest first. */
  public synchronized List<StoredDecision> contents() {
    List<StoredDecision> list = new ArrayList<>(live.size());
    forEach(list::add);
    return list;
  }

  @Override
  public synchronized int size() {
    return live.size();
  }

  /** Live decisions that have an outcome. */
  @Override
  public synchronized int outcomes() {
    return outcomes;
  }

  /** Decisions evicted since the store was opened. */
  @Override
  public synchronized long evicted() {
    return evicted;
  }

  /** Lines in the segments on disk (live and evicted). */
  synchronized long diskLines() {
    return log.lines();
  }

  /** Segments on disk. */
  synchronized int segmentCount() {
    return log.segments();
  }

  /** Counts every change (decision added, outcome recorded, decision evicted). */
  synchronized long changes() {
    return changes;
  }

  @Override
  public synchronized void close() {
    try {
      log.close();
    } catch (IOException e) {
      LOG.errorf("decision store %s could not be closed cleanly: %s", dir, e.getMessage());
    }
  }
}
