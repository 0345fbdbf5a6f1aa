package io.creditscorer.feedback;

import io.creditscorer.base.BackgroundLoop;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.ScoringException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jboss.logging.Logger;

/**
 * Closes the loop between decisions and what became of the loans. As an {@link AuditSink} it takes
 * every decision the engine records, hands it to a bounded queue and returns, so a decision never
 * waits for the store; when the queue is full (the store cannot keep up or cannot be reached) the
 * decision is refused (503) rather than issued unrecorded. A background thread writes queued
 * decisions to the {@link DecisionStore} in batches, keeping a batch the store refused until it is
 * written, and recomputes {@link PerformanceWindows} and {@link FairnessWindows} every {@code
 * refreshInterval}, so neither scoring nor reporting ever computes them.
 *
 * <p>{@link #report} joins outcomes to stored decisions ({@link OutcomeJoin}); it first writes this
 * replica's queued decisions, so an outcome for a decision just made here is found, and answers
 * only once the store has the accepted outcomes (synced to disk, or acknowledged by Redis). {@link
 * #label} stores group labels for fairness monitoring the same way ({@link GroupLabelling}).
 * Thread-safe.
 */
public final class OutcomeFeedback implements AuditSink, AutoCloseable {

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
  private final List<DecisionStore.NewDecision> unwritten = new ArrayList<>();
  private final AtomicReference<PerformanceWindows.Report> latest = new AtomicReference<>();
  private final AtomicReference<FairnessWindows.Report> fairness = new AtomicReference<>();
  private final Object refreshLock = new Object();
  private final FeedbackMetrics metrics;
  private final FairnessMetrics fairnessMetrics;
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
    this.metrics = new FeedbackMetrics(registry, store, latest::get, pending);
    this.fairnessMetrics = new FairnessMetrics(registry, settings.fairness(), fairness::get);
    refresh();
  }

  /**
   * Queues the decision for the store.
   *
   * @throws ScoringException UNAVAILABLE when the queue is full (the store is not being written):
   *     the decision is not issued rather than issued unrecorded
   */
  @Override
  public void record(AuditRecord record) {
    if (!pending.offer(new Pending(record, clock.instant()))) {
      metrics.refused();
      throw ScoringException.unavailable(
          "the decision store is not being written (its queue is full); the decision was not"
              + " issued",
          null);
    }
  }

  /**
   * Moves queued decisions into the store (the background thread's work, and every report's). A
   * batch the store refused is kept and written first next time, so nothing queued is lost.
   */
  public void processPending() {
    try {
      writePending();
    } catch (UncheckedIOException e) {
      metrics.writeFailed();
      throw e;
    }
  }

  private void writePending() {
    synchronized (store) {
      if (unwritten.isEmpty()) {
        if (pending.isEmpty()) {
          return;
        }
        List<Pending> batch = new ArrayList<>(pending.size());
        pending.drainTo(batch);
        for (Pending p : batch) {
          AuditRecord r = p.record();
          unwritten.add(
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
      }
      store.add(unwritten);
      unwritten.clear();
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
      report.versions().forEach(v -> metrics.version(v.model(), v.version()));
      FairnessWindows.Report byGroup =
          FairnessWindows.compute(store, now, settings.window(), settings.fairness());
      byGroup.versions().forEach(v -> fairnessMetrics.version(v.model(), v.version()));
      latest.set(report);
      fairness.set(byGroup);
      lastRefresh = now;
      return report;
    }
  }

  /** The latest computed fairness figures; never computes. */
  public FairnessWindows.Report fairness() {
    return fairness.get();
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
   * <p>An item may carry group labels ({@link MonitoredGroups}); they are stored with the decision
   * it finds, before its outcome, so a retry after a failure changes nothing more.
   *
   * @throws InvalidInputException when the list is empty or too long, or an item's groups name an
   *     attribute or value that is not monitored
   * @throws ScoringException UNAVAILABLE when the store cannot be written; nothing was recorded
   */
  public OutcomeReply report(List<OutcomeReport> outcomes) {
    checkCount(outcomes, "outcomes", "outcome");
    checkGroups(outcomes, i -> "outcomes[" + i + "].groups");
    OutcomeReply reply = joined("outcome", now -> OutcomeJoin.join(store, outcomes, now));
    reply.results().forEach(r -> metrics.result(r.result()));
    return reply;
  }

  /**
   * Writes the queued decisions, then joins under the store's lock.
   *
   * @param what what the call brought, for the message when the store cannot be written
   */
  private OutcomeReply joined(String what, Function<Instant, List<OutcomeResult>> join) {
    List<OutcomeResult> results;
    Instant now;
    try {
      synchronized (store) {
        writePending();
        now = clock.instant();
        results = join.apply(now);
      }
    } catch (UncheckedIOException e) {
      metrics.writeFailed();
      throw ScoringException.unavailable(
          "the decision store cannot be reached or written at the moment; no "
              + what
              + " of this call was recorded: retry it",
          e);
    }
    return new OutcomeReply(List.copyOf(results), now);
  }

  /**
   * Stores group labels with the decisions the items name (request id, applicant id or both), for
   * fairness monitoring only; one result per item: {@code accepted}, an unknown id or {@code
   * invalid}. Labels given again replace earlier ones attribute by attribute.
   *
   * @throws InvalidInputException when the list is empty or too long, or names an attribute or
   *     value that is not monitored
   * @throws ScoringException UNAVAILABLE when the store cannot be written; nothing was stored
   */
  public OutcomeReply label(List<OutcomeReport> items) {
    checkCount(items, "attributes", "item");
    checkGroups(items, i -> GroupLabelling.path(i) + "groups");
    return joined("label", now -> GroupLabelling.label(store, items));
  }

  private void checkCount(List<OutcomeReport> items, String field, String what) {
    if (items == null || items.isEmpty()) {
      throw new InvalidInputException(field, "must list at least one " + what);
    }
    if (items.size() > settings.maxOutcomesPerRequest()) {
      throw new InvalidInputException(
          field,
          "has "
              + items.size()
              + " entries; at most "
              + settings.maxOutcomesPerRequest()
              + " per call");
    }
  }

  /** Refuses the whole call when any item names an attribute or value that is not monitored. */
  private void checkGroups(List<OutcomeReport> items, IntFunction<String> path) {
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Map<String, String> groups = items.get(i).groups();
      if (groups != null) {
        errors.addAll(settings.fairness().groups().check(path.apply(i), groups));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
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
