package io.creditscorer.feedback;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.journal.JsonLines;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The decisions outcomes are joined to, keyed by request id (several decisions when a request
 * scored several applicants) and by applicant id (the latest decision for that applicant).
 *
 * <p><b>Bounded:</b> at most {@code maxEntries} decisions, none decided longer than {@code
 * retention} ago; the oldest are evicted first and counted ({@link #evicted()}).
 *
 * <p><b>Persistent, never rewritten:</b> append-only JSON-lines segments in the store directory,
 * {@code decisions-<first seq>.jsonl}: one line per decision (with its sequence number) and one per
 * outcome (naming that number), appended to the newest segment. A segment is closed once it holds
 * {@code segmentDecisions} decisions (an eighth of {@code maxEntries}, at least {@value
 * #MIN_SEGMENT}) and a new one started. Every line of a segment names a decision older than the
 * next segment's first, so once eviction has passed that first, the segment holds nothing live and
 * is deleted whole: disk use stays within the live content plus about one segment, and no decision
 * is ever written twice (a store that rewrote itself would stall its writer for the length of the
 * rewrite). Segments are replayed in order when the store opens; a torn or unreadable line (a crash
 * mid-write) is skipped with a warning and leaves with its segment. Decisions are flushed to the
 * operating system after each {@link #add}; outcomes are synced to the device by {@link #sync}. A
 * single {@value #LEGACY_FILE} of earlier versions is read as the oldest segment.
 *
 * <p><b>Compact in memory:</b> the live decisions are held in columns ({@link DecisionRing}), so a
 * full store turning over thousands of decisions a second leaves the garbage collector nothing to
 * copy or promote.
 *
 * <p>Thread-safe: every method locks the store; a caller may hold that lock ({@code synchronized
 * (store)}) across several calls to make them one step.
 */
public final class DecisionStore implements AutoCloseable {

  static final String LEGACY_FILE = "decisions.jsonl";

  /** Segments hold at least this many decisions, so small stores do not spread over many files. */
  static final int MIN_SEGMENT = 1000;

  private static final String SEGMENT_PREFIX = "decisions-";
  private static final String SEGMENT_SUFFIX = ".jsonl";

  private static final Logger LOG = Logger.getLogger(DecisionStore.class);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final SerializableString TYPE = JsonLines.name("type");
  private static final SerializableString SEQ = JsonLines.name("seq");
  private static final SerializableString REQUEST_ID = JsonLines.name("request_id");
  private static final SerializableString APPLICANT_ID = JsonLines.name("applicant_id");
  private static final SerializableString MODEL_NAME = JsonLines.name("model_name");
  private static final SerializableString MODEL_VERSION = JsonLines.name("model_version");
  private static final SerializableString PD = JsonLines.name("probability_of_default");
  private static final SerializableString SCORE = JsonLines.name("score");
  private static final SerializableString DECISION = JsonLines.name("decision");
  private static final SerializableString DECIDED_AT = JsonLines.name("decided_at");
  private static final SerializableString DEFAULTED = JsonLines.name("defaulted");
  private static final SerializableString OBSERVED_AT = JsonLines.name("observed_at");
  private static final SerializableString RECORDED_AT = JsonLines.name("recorded_at");

  /** A decision as the engine made it. */
  public record NewDecision(
      String requestId,
      String applicantId,
      String modelName,
      String modelVersion,
      double probabilityOfDefault,
      int score,
      String decision,
      Instant decidedAt) {}

  /** What was observed about a decided loan, and when it was recorded here. */
  public record Outcome(boolean defaulted, Instant observedAt, Instant recordedAt) {}

  /** A stored decision and its outcome ({@code null} until one is recorded). */
  public record StoredDecision(
      long seq,
      String requestId,
      String applicantId,
      String modelName,
      String modelVersion,
      double probabilityOfDefault,
      int score,
      String decision,
      Instant decidedAt,
      Outcome outcome) {

    StoredDecision withOutcome(Outcome o) {
      return new StoredDecision(
          seq,
          requestId,
          applicantId,
          modelName,
          modelVersion,
          probabilityOfDefault,
          score,
          decision,
          decidedAt,
          o);
    }
  }

  /** A decision {@link #find} found: where it lives in the store, and its value. */
  static final class Entry {
    final long position;
    StoredDecision decision;

    Entry(long position, StoredDecision decision) {
      this.position = position;
      this.decision = decision;
    }
  }

  /** What a lookup found. */
  sealed interface Match {}

  record Found(Entry entry) implements Match {}

  record UnknownRequest() implements Match {}

  record UnknownApplicant() implements Match {}

  /** The request holds several decisions and no applicant id tells them apart. */
  record Ambiguous(int decisions) implements Match {}

  /** What recording an outcome did. */
  enum Recorded {
    ACCEPTED,
    DUPLICATE,
    CONTRADICTING
  }

  /**
   * One file of the store. Its lines name decisions numbered below the next segment's {@code
   * firstSeq}.
   */
  private static final class Segment {
    final Path path;
    final long firstSeq;
    long decisions;
    long lines;

    Segment(Path path, long firstSeq) {
      this.path = path;
      this.firstSeq = firstSeq;
    }
  }

  private final Path dir;
  private final int maxEntries;
  private final long segmentDecisions;
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private final Duration retention;
  private final Clock clock;
  private final DecisionRing live = new DecisionRing();
  private final JsonLines lines = new JsonLines();
  private FileOutputStream out;
  private JsonGenerator json;
  private long nextSeq = 1;
  private int outcomes;
  private long evicted;
  private long changes;

  private DecisionStore(Path dir, int maxEntries, Duration retention, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("scorer.feedback.store.max-entries must be at least 1");
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("scorer.feedback.store.retention must be positive");
    }
    this.dir = dir;
    this.maxEntries = maxEntries;
    this.segmentDecisions = Math.max(MIN_SEGMENT, maxEntries / 8);
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Opens (creating if needed) the store in {@code dir}, replaying its segments; evicts what is
   * over the bounds and deletes the segments that then hold nothing live.
   *
   * @throws UncheckedIOException when the directory or a segment cannot be read or written
   */
  public static DecisionStore open(Path dir, int maxEntries, Duration retention, Clock clock) {
    DecisionStore store = new DecisionStore(dir, maxEntries, retention, clock);
    try {
      Files.createDirectories(dir);
      store.replay();
      store.dropDeadSegments();
      store.appendToNewest();
    } catch (IOException e) {
      throw store.failed(e);
    }
    return store;
  }

  /** The segments on disk, oldest first; the legacy single file counts as the oldest. */
  private List<Segment> listSegments() throws IOException {
    List<Segment> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.equals(LEGACY_FILE)) {
          found.add(new Segment(f, 0));
        } else if (name.startsWith(SEGMENT_PREFIX) && name.endsWith(SEGMENT_SUFFIX)) {
          String seq =
              name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length());
          try {
            found.add(new Segment(f, Long.parseLong(seq)));
          } catch (NumberFormatException notOurs) {
            LOG.warnf("decision store %s: ignoring %s (not a segment name)", dir, name);
          }
        }
      }
    }
    found.sort((a, b) -> Long.compare(a.firstSeq, b.firstSeq));
    return found;
  }

  private void replay() throws IOException {
    int bad = 0;
    for (Segment segment : listSegments()) {
      segments.addLast(segment);
      bad += replay(segment);
    }
    if (bad > 0) {
      LOG.warnf("decision store %s: %d unreadable line(s) skipped", dir, bad);
    }
    // Evictions of an earlier run that the segments still hold are not counted again.
    long before = evicted;
    evictOverBounds();
    evicted = before;
  }

  /** Replays one segment; returns how many of its lines could not be read. */
  private int replay(Segment segment) throws IOException {
    int bad = 0;
    try (Stream<String> lines = Files.lines(segment.path, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) lines::iterator) {
        segment.lines++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode n = JSON.readTree(line);
          long seq = n.get("seq").asLong();
          switch (n.get("type").asText()) {
            case "decision" -> {
              live.add(seq, decisionOf(n));
              segment.decisions++;
              nextSeq = Math.max(nextSeq, seq + 1);
            }
            case "outcome" -> {
              long pos = live.positionOfSeq(seq);
              if (pos != DecisionRing.NONE && live.outcome(pos) == null) {
                live.setOutcome(pos, outcomeOf(n));
                outcomes++;
              }
            }
            default -> bad++;
          }
        } catch (IOException | RuntimeException e) {
          bad++;
        }
      }
    }
    return bad;
  }

  /**
   * Opens the newest segment for appending (a new one when there is none or it is full). A torn
   * last line is ended first, so the next line starts on its own.
   */
  private void appendToNewest() throws IOException {
    Segment newest = segments.peekLast();
    if (newest == null || newest.decisions >= segmentDecisions) {
      startSegment();
      return;
    }
    boolean torn = false;
    long size = Files.size(newest.path);
    if (size > 0) {
      try (var channel = Files.newByteChannel(newest.path)) {
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.position(size - 1).read(last);
        torn = last.get(0) != '\n';
      }
    }
    openForAppend(newest);
    if (torn) {
      json.writeRaw('\n');
      json.flush();
    }
  }

  /**
   * Syncs and closes the newest segment (outcomes in it may not be synced yet) and starts the next,
   * named by the next decision's number.
   */
  private void startSegment() throws IOException {
    if (json != null) {
      json.flush();
      out.getFD().sync();
      json.close();
    }
    Segment next =
        new Segment(
            dir.resolve(String.format("%s%019d%s", SEGMENT_PREFIX, nextSeq, SEGMENT_SUFFIX)),
            nextSeq);
    segments.addLast(next);
    openForAppend(next);
  }

  private void openForAppend(Segment segment) throws IOException {
    out = new FileOutputStream(segment.path.toFile(), true);
    json = JsonLines.FACTORY.createGenerator(out, JsonEncoding.UTF8);
  }

  /**
   * Deletes the oldest segments while eviction has passed the next one's first decision: nothing
   * they hold is live. The newest segment is never deleted.
   */
  private void dropDeadSegments() throws IOException {
    long oldestLive = live.size() == 0 ? nextSeq : live.seq(live.oldest());
    while (segments.size() > 1) {
      Iterator<Segment> oldestFirst = segments.iterator();
      Segment oldest = oldestFirst.next();
      if (oldestLive < oldestFirst.next().firstSeq) {
        return;
      }
      Files.deleteIfExists(oldest.path);
      segments.pollFirst();
      LOG.debugf("decision store %s: deleted %s, all of it evicted", dir, oldest.path);
    }
  }

  private static NewDecision decisionOf(JsonNode n) {
    return new NewDecision(
        text(n, "request_id"),
        text(n, "applicant_id"),
        text(n, "model_name"),
        text(n, "model_version"),
        n.get("probability_of_default").asDouble(),
        n.get("score").asInt(),
        text(n, "decision"),
        Instant.parse(n.get("decided_at").asText()));
  }

  private static Outcome outcomeOf(JsonNode n) {
    return new Outcome(
        n.get("defaulted").asBoolean(),
        Instant.parse(n.get("observed_at").asText()),
        Instant.parse(n.get("recorded_at").asText()));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Stores decisions in order and flushes them to the newest segment; evicts over the bounds. */
  public synchronized void add(List<NewDecision> decisions) {
    if (decisions.isEmpty()) {
      return;
    }
    try {
      for (NewDecision d : decisions) {
        if (segments.peekLast().decisions >= segmentDecisions) {
          startSegment();
        }
        long seq = nextSeq++;
        live.add(seq, d);
        writeDecision(json, seq, d);
        segments.peekLast().decisions++;
      }
      json.flush();
      changes++;
      evictOverBounds();
      dropDeadSegments();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /** Evicts decisions older than the retention (the service calls it periodically). */
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

  /**
   * The decision an outcome is about: by request id (with the applicant id when the request holds
   * several decisions), or the latest decision for an applicant id alone.
   */
  synchronized Match find(String requestId, String applicantId) {
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
   * Records an outcome for a live entry found by {@link #find} under the same lock: the first
   * outcome is kept; the same again is a duplicate, a different one a contradiction (neither
   * changes anything). An accepted outcome is appended to the newest segment; {@link #sync} makes
   * it durable.
   *
   * @throws IllegalStateException when the entry was evicted since it was found (the lock was not
   *     held across both calls)
   */
  synchronized Recorded record(Entry entry, boolean defaulted, Instant observedAt) {
    if (entry.position < live.oldest() || live.seq(entry.position) != entry.decision.seq()) {
      throw new IllegalStateException(
          "decision " + entry.decision.seq() + " was evicted after it was found");
    }
    Outcome kept = live.outcome(entry.position);
    if (kept != null) {
      return kept.defaulted() == defaulted ? Recorded.DUPLICATE : Recorded.CONTRADICTING;
    }
    Outcome o = new Outcome(defaulted, observedAt, clock.instant());
    live.setOutcome(entry.position, o);
    entry.decision = entry.decision.withOutcome(o);
    outcomes++;
    changes++;
    try {
      writeOutcome(json, entry.decision.seq(), o);
    } catch (IOException e) {
      throw failed(e);
    }
    return Recorded.ACCEPTED;
  }

  /** Flushes and syncs the newest segment (where outcomes go) to the device. */
  public synchronized void sync() {
    try {
      json.flush();
      out.getFD().sync();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /** One line per decision, streamed (no tree per line: this runs for every decision). */
  private void writeDecision(JsonGenerator g, long seq, NewDecision d) throws IOException {
    g.writeStartObject();
    g.writeFieldName(TYPE);
    g.writeString("decision");
    g.writeFieldName(SEQ);
    g.writeNumber(seq);
    g.writeFieldName(REQUEST_ID);
    g.writeString(d.requestId());
    if (d.applicantId() != null) {
      g.writeFieldName(APPLICANT_ID);
      g.writeString(d.applicantId());
    }
    g.writeFieldName(MODEL_NAME);
    g.writeString(d.modelName());
    g.writeFieldName(MODEL_VERSION);
    g.writeString(d.modelVersion());
    g.writeFieldName(PD);
    g.writeNumber(d.probabilityOfDefault());
    g.writeFieldName(SCORE);
    g.writeNumber(d.score());
    g.writeFieldName(DECISION);
    g.writeString(d.decision());
    lines.writeInstant(g, DECIDED_AT, d.decidedAt());
    g.writeEndObject();
    g.writeRaw('\n');
    segments.peekLast().lines++;
  }

  private void writeOutcome(JsonGenerator g, long seq, Outcome o) throws IOException {
    g.writeStartObject();
    g.writeFieldName(TYPE);
    g.writeString("outcome");
    g.writeFieldName(SEQ);
    g.writeNumber(seq);
    g.writeFieldName(DEFAULTED);
    g.writeBoolean(o.defaulted());
    lines.writeInstant(g, OBSERVED_AT, o.observedAt());
    lines.writeInstant(g, RECORDED_AT, o.recordedAt());
    g.writeEndObject();
    g.writeRaw('\n');
    segments.peekLast().lines++;
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

  /**
   * The live decisions' count per model version, visiting each live decision that has an outcome,
   * oldest first, in one pass under the lock. Much cheaper than {@link #forEach}, which makes a
   * {@link StoredDecision} of every decision.
   */
  public synchronized List<VersionCount> countAndVisitOutcomes(OutcomeVisitor withOutcome) {
    return live.countAndVisitOutcomes(withOutcome);
  }

  /** How many live decisions a model version has. */
  public record VersionCount(String modelName, String modelVersion, int decisions) {}

  /** What the performance windows need of a decision that has an outcome. */
  @FunctionalInterface
  public interface OutcomeVisitor {
    void visit(
        String modelName,
        String modelVersion,
        double probabilityOfDefault,
        String decision,
        long seq,
        Outcome outcome);
  }

  /** Every live decision, oldest first. */
  public synchronized List<StoredDecision> contents() {
    List<StoredDecision> list = new ArrayList<>(live.size());
    forEach(list::add);
    return list;
  }

  public synchronized int size() {
    return live.size();
  }

  /** Live decisions that have an outcome. */
  public synchronized int outcomes() {
    return outcomes;
  }

  /** Decisions evicted since the store was opened. */
  public synchronized long evicted() {
    return evicted;
  }

  /** Lines in the segments on disk (live and evicted). */
  synchronized long diskLines() {
    return segments.stream().mapToLong(seg -> seg.lines).sum();
  }

  /** Segments on disk. */
  synchronized int segmentCount() {
    return segments.size();
  }

  /** Counts every change (decision added, outcome recorded, decision evicted). */
  synchronized long changes() {
    return changes;
  }

  @Override
  public synchronized void close() {
    if (json == null) {
      return;
    }
    try {
      json.flush();
      out.getFD().sync();
      json.close();
    } catch (IOException e) {
      LOG.errorf("decision store %s could not be closed cleanly: %s", dir, e.getMessage());
    }
    json = null;
  }
}
