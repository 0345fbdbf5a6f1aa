package io.creditscorer.feedback;

import io.creditscorer.base.BackgroundLoop;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.ScoringException;
import io.creditscorer.error.Shown;
import io.creditscorer.feedback.OutcomeResult.Result;
import io.creditscorer.spi.AuditRecord;
import io.creditscorer.spi.AuditSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import org.jboss.logging.Logger;

/**
 * Closes the loop between decisions and what became of the loans. As an {@link AuditSink} it takes
 * every decision the engine records, hands it to a bounded queue (a full queue drops and counts,
 * never blocks) and returns; a background thread moves queued decisions into the {@link
 * DecisionStore} and recomputes {@link PerformanceWindows} every {@code refreshInterval}, so
 * neither scoring nor reporting ever computes performance.
 *
 * <p>{@link #report} joins outcomes to stored decisions, one result per outcome; it first moves
 * queued decisions into the store, so an outcome for a decision just made is found, and syncs
 * accepted outcomes to disk before it returns. Thread-safe.
 */
public final class OutcomeFeedback implements AuditSink, AutoCloseable {

  /** How far a reported time may lie in the future, or before its decision, for clock skew. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final Logger LOG = Logger.getLogger(OutcomeFeedback.class);

  /** The outcome of a report: one result per outcome, in order, and when they were recorded. */
  public record OutcomeReply(List<OutcomeResult> results, Instant recordedAt) {
    /** How many outcomes had each result (every result listed, zeros included). */
    public Map<Result, Integer> counts() {
      Map<Result, Integer> counts = new EnumMap<>(Result.class);
      for (Result r : Result.values()) {
        counts.put(r, 0);
      }
      results.forEach(r -> counts.merge(r.result(), 1, Integer::sum));
      return counts;
    }
  }

  private record Pending(AuditRecord record, Instant decidedAt) {}

  private final DecisionStore store;
  private final FeedbackSettings settings;
  private final Clock clock;
  private final BiPredicate<String, String> stable;
  private final ArrayBlockingQueue<Pending> pending;
  private final AtomicReference<PerformanceWindows.Report> latest = new AtomicReference<>();
  private final Object refreshLock = new Object();
  private final FeedbackMetrics metrics;
  private volatile Instant lastRefresh = Instant.MIN;
  private BackgroundLoop thread;

  /**
   * @param stable tells whether a version is its model's stable one (model, version)
   */
  public OutcomeFeedback(
      DecisionStore store,
      FeedbackSettings settings,
      Clock clock,
      BiPredicate<String, String> stable,
      MeterRegistry registry) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.stable = stable;
    this.pending = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.metrics = new FeedbackMetrics(registry, store, latest::get);
    store
        .countAndVisitOutcomes((model, version, pd, decision, seq, outcome) -> {})
        .forEach(c -> metrics.version(c.modelName(), c.modelVersion()));
    refresh();
  }

  @Override
  public void record(AuditRecord record) {
    if (!pending.offer(new Pending(record, clock.instant()))) {
      metrics.dropped();
    }
  }

  /** Moves queued decisions into the store (the background thread's work, and every report's). */
  public void processPending() {
    synchronized (store) {
      if (pending.isEmpty()) {
        return;
      }
      List<Pending> batch = new ArrayList<>(pending.size());
      pending.drainTo(batch);
      List<DecisionStore.NewDecision> decisions = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        AuditRecord r = p.record();
        decisions.add(
            new DecisionStore.NewDecision(
                r.requestId(),
                r.applicantId(),
                r.modelName(),
                r.modelVersion(),
                r.probabilityOfDefault(),
                r.score(),
                r.decision(),
                p.decidedAt()));
        metrics.version(r.modelName(), r.modelVersion());
      }
      try {
        store.add(decisions);
      } catch (UncheckedIOException e) {
        metrics.writeFailed();
        throw e;
      }
    }
  }

  /**
   * Recomputes every version's window as of now and publishes it to the gauges and the API. One
   * refresh at a time, so an older report never replaces a newer one.
   */
  public PerformanceWindows.Report refresh() {
    synchronized (refreshLock) {
      Instant now = clock.instant();
      PerformanceWindows.Report report =
          PerformanceWindows.compute(store, now, settings.window(), stable);
      latest.set(report);
      lastRefresh = now;
      return report;
    }
  }

  /** The latest computed performance; never computes. */
  public PerformanceWindows.Report performance() {
    return latest.get();
  }

  /**
   * Joins each outcome to its decision and records it. Invalid items, unknown ids, duplicates and
   * contradictions are answered per item; nothing already recorded changes.
   *
   * <p>The accepted outcomes are written and synced together before they count: when the store
   * cannot be written (a full disk), none of them is recorded and the call fails, so a retry is
   * accepted then.
   *
   * @throws InvalidInputException when the list is empty or too long
   * @throws ScoringException UNAVAILABLE when the store cannot be written; nothing was recorded
   */
  public OutcomeReply report(List<OutcomeReport> outcomes) {
    if (outcomes == null || outcomes.isEmpty()) {
      throw new InvalidInputException("outcomes", "must list at least one outcome");
    }
    if (outcomes.size() > settings.maxOutcomesPerRequest()) {
      throw new InvalidInputException(
          "outcomes",
          "has "
              + outcomes.size()
              + " entries; at most "
              + settings.maxOutcomesPerRequest()
              + " per call");
    }
    List<OutcomeResult> results = new ArrayList<>(outcomes.size());
    Instant now;
    try {
      synchronized (store) {
        processPending();
        now = clock.instant();
        Batch batch = new Batch();
        for (int i = 0; i < outcomes.size(); i++) {
          results.add(join(i, outcomes.get(i), now, batch));
        }
        try {
          store.recordAll(batch.accepted);
        } catch (UncheckedIOException e) {
          metrics.writeFailed();
          throw e;
        }
        // Answer with the decisions as recorded now: the accepted items, and the later items of
        // this call about the same decisions (duplicates or contradictions of them).
        for (int i = 0; i < results.size(); i++) {
          DecisionStore.NewOutcome o = batch.about.get(i);
          if (o != null) {
            OutcomeResult r = results.get(i);
            results.set(
                i,
                new OutcomeResult(
                    r.index(),
                    r.result(),
                    r.requestId(),
                    r.applicantId(),
                    o.entry().decision,
                    r.message(),
                    r.errors()));
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw ScoringException.unavailable(
          "the decision store cannot be written at the moment; no outcome of this call was"
              + " recorded: retry it",
          e);
    }
    results.forEach(r -> metrics.result(r.result()));
    return new OutcomeReply(List.copyOf(results), now);
  }

  /** The outcomes a call accepts, recorded together once every item is joined. */
  private static final class Batch {
    final List<DecisionStore.NewOutcome> accepted = new ArrayList<>();

    /** By item index: the outcome of this call the item is about (accepted by it or earlier). */
    final Map<Integer, DecisionStore.NewOutcome> about = new HashMap<>();

    /** An outcome this call already accepted for the decision, or {@code null}. */
    DecisionStore.NewOutcome of(DecisionStore.Entry entry) {
      for (DecisionStore.NewOutcome o : accepted) {
        if (o.entry().decision.seq() == entry.decision.seq()) {
          return o;
        }
      }
      return null;
    }
  }

  private OutcomeResult join(int index, OutcomeReport item, Instant now, Batch batch) {
    String path = "outcomes[" + index + "].";
    String requestId = blankToNull(item.requestId());
    String applicantId = blankToNull(item.applicantId());
    List<FieldError> errors = new ArrayList<>();
    for (FieldError p : item.problems()) {
      errors.add(new FieldError(path + p.field(), p.problem()));
    }
    checkId(path + "request_id", requestId, errors);
    checkId(path + "applicant_id", applicantId, errors);
    if (requestId == null
        && applicantId == null
        && !has(item, "request_id")
        && !has(item, "applicant_id")) {
      errors.add(new FieldError(path + "request_id", "give request_id or applicant_id (or both)"));
    }
    if (item.defaulted() == null && !has(item, "defaulted")) {
      errors.add(new FieldError(path + "defaulted", "is required: true or false"));
    }
    if (item.observedAt() == null && !has(item, "observed_at")) {
      errors.add(
          new FieldError(
              path + "observed_at", "is required: an ISO-8601 time such as 2026-03-01T00:00:00Z"));
    } else if (item.observedAt() != null && item.observedAt().isAfter(now.plus(CLOCK_SKEW))) {
      errors.add(
          new FieldError(
              path + "observed_at", "is in the future (the service's time is " + now + ")"));
    }
    if (!errors.isEmpty()) {
      return invalid(index, item, errors);
    }
    DecisionStore.Match match = store.find(requestId, applicantId);
    if (match instanceof DecisionStore.UnknownRequest) {
      return answer(
          index,
          item,
          Result.UNKNOWN_REQUEST_ID,
          null,
          "no decision with request_id " + requestId + " is stored (never made here, or evicted)");
    }
    if (match instanceof DecisionStore.UnknownApplicant) {
      return answer(
          index,
          item,
          Result.UNKNOWN_APPLICANT_ID,
          null,
          requestId == null
              ? "no decision for applicant_id " + applicantId + " is stored"
              : "request " + requestId + " holds no decision for applicant_id " + applicantId);
    }
    if (match instanceof DecisionStore.Ambiguous a) {
      return invalid(
          index,
          item,
          List.of(
              new FieldError(
                  path + "applicant_id",
                  "is required: request " + requestId + " holds " + a.decisions() + " decisions")));
    }
    DecisionStore.Entry entry = ((DecisionStore.Found) match).entry();
    Instant decidedAt = entry.decision.decidedAt();
    if (item.observedAt().isBefore(decidedAt.minus(CLOCK_SKEW))) {
      return invalid(
          index,
          item,
          List.of(
              new FieldError(
                  path + "observed_at", "precedes the decision, which was made at " + decidedAt)));
    }
    DecisionStore.NewOutcome earlier = batch.of(entry);
    DecisionStore.Recorded recorded =
        earlier == null
            ? store.check(entry, item.defaulted())
            : earlier.defaulted() == item.defaulted()
                ? DecisionStore.Recorded.DUPLICATE
                : DecisionStore.Recorded.CONTRADICTING;
    if (recorded == DecisionStore.Recorded.ACCEPTED) {
      DecisionStore.NewOutcome accepted =
          new DecisionStore.NewOutcome(entry, item.defaulted(), item.observedAt());
      batch.accepted.add(accepted);
      batch.about.put(index, accepted);
    } else if (earlier != null) {
      batch.about.put(index, earlier);
    }
    return switch (recorded) {
      case ACCEPTED -> answer(index, item, Result.ACCEPTED, entry.decision, null);
      case DUPLICATE ->
          answer(
              index,
              item,
              Result.DUPLICATE,
              entry.decision,
              "this outcome is already recorded for the decision; it is counted once");
      case CONTRADICTING ->
          answer(
              index,
              item,
              Result.CONTRADICTING,
              entry.decision,
              "the decision already has the outcome defaulted="
                  + (earlier != null ? earlier.defaulted() : entry.decision.outcome().defaulted())
                  + " (observed at "
                  + (earlier != null ? earlier.observedAt() : entry.decision.outcome().observedAt())
                  + "); the first outcome is kept");
    };
  }

  /** Ids longer than scoring allows, or not valid Unicode, can name no stored decision. */
  static final int MAX_ID_CHARS = 128;

  private static void checkId(String field, String id, List<FieldError> errors) {
    if (id != null && (id.length() > MAX_ID_CHARS || !Shown.isPrintable(id))) {
      errors.add(
          new FieldError(
              field, "must be 1 to " + MAX_ID_CHARS + " printable characters of valid Unicode"));
    }
  }

  private static boolean has(OutcomeReport item, String field) {
    return item.problems().stream().anyMatch(p -> field.equals(p.field()));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static OutcomeResult invalid(int index, OutcomeReport item, List<FieldError> errors) {
    InvalidInputException bounded = new InvalidInputException(errors);
    return new OutcomeResult(
        index,
        Result.INVALID,
        shown(item.requestId()),
        shown(item.applicantId()),
        null,
        bounded.getMessage(),
        bounded.errors());
  }

  private static OutcomeResult answer(
      int index, OutcomeReport item, Result result, StoredDecision decision, String message) {
    return new OutcomeResult(
        index,
        result,
        shown(item.requestId()),
        shown(item.applicantId()),
        decision,
        message,
        List.of());
  }

  /** An id as echoed in an answer: an invalid one is cut to the longest valid length. */
  private static String shown(String id) {
    return Shown.text(id, MAX_ID_CHARS);
  }

  /**
   * Starts the background thread: every {@code period} it stores queued decisions, evicts expired
   * ones and, every refresh interval, recomputes performance. {@link #close} stops it.
   */
  public synchronized void start(Duration period) {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = BackgroundLoop.start("outcome-feedback", period, this::tick);
  }

  /** Stops the background thread, stores what is still queued and closes the store. */
  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.close();
    }
    try {
      processPending();
    } catch (RuntimeException e) {
      LOG.errorf("outcome feedback: queued decisions not stored at shutdown: %s", e.getMessage());
    }
    store.close();
  }

  /** The background thread's work; what it throws is logged by the loop and retried next time. */
  private void tick() {
    processPending();
    store.evictExpired();
    if (!clock.instant().isBefore(lastRefresh.plus(settings.refreshInterval()))) {
      refresh();
    }
  }
}
