package io.creditscorer.feedback;

import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.Shown;
import io.creditscorer.feedback.OutcomeResult.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One report's outcomes joined to the decisions they judge: each item checked, looked up and judged
 * (accepted, duplicate, contradicting, unknown or invalid); the accepted ones recorded together;
 * then the answers turned where the store kept another outcome after all (another replica's, found
 * meanwhile) or the decision was evicted meanwhile. Items of one call about the same decision see
 * the outcome the first of them brought.
 */
final class OutcomeJoin {

  /** How far a reported time may lie in the future, or before its decision, for clock skew. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final List<DecisionStore.NewOutcome> accepted = new ArrayList<>();

  /** Group labels carried by items whose decision was found. */
  private final List<DecisionStore.NewLabels> labels = new ArrayList<>();

  /** By item index: the outcome of this call the item is about (accepted by it or earlier). */
  private final Map<Integer, DecisionStore.NewOutcome> about = new HashMap<>();

  private OutcomeJoin() {}

  /**
   * Joins and records the outcomes; one result per outcome, in order.
   *
   * @throws java.io.UncheckedIOException when the store cannot be reached or written; nothing was
   *     recorded
   */
  static List<OutcomeResult> join(DecisionStore store, List<OutcomeReport> outcomes, Instant now) {
    OutcomeJoin join = new OutcomeJoin();
    List<OutcomeResult> results = new ArrayList<>(outcomes.size());
    List<Integer> valid = new ArrayList<>();
    List<DecisionStore.Lookup> lookups = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      OutcomeReport item = outcomes.get(i);
      OutcomeResult invalid = invalidOrNull(i, item, now);
      results.add(invalid);
      if (invalid == null) {
        valid.add(i);
        lookups.add(
            new DecisionStore.Lookup(
                blankToNull(item.requestId()), blankToNull(item.applicantId())));
      }
    }
    // One lookup of them all (one round trip to a shared store), then each judged in order.
    List<DecisionStore.Match> matches = store.findAll(lookups);
    for (int k = 0; k < valid.size(); k++) {
      int i = valid.get(k);
      results.set(i, join.judge(i, outcomes.get(i), matches.get(k)));
    }
    // Labels first: labelling again changes nothing, so a retry after a failed recording is safe.
    store.labelAll(join.labels);
    List<DecisionStore.Recording> recordings = store.recordAll(join.accepted);
    Map<DecisionStore.NewOutcome, DecisionStore.Recording> recorded = new IdentityHashMap<>();
    for (int i = 0; i < recordings.size(); i++) {
      recorded.put(join.accepted.get(i), recordings.get(i));
    }
    for (Map.Entry<Integer, DecisionStore.NewOutcome> about : join.about.entrySet()) {
      int i = about.getKey();
      DecisionStore.NewOutcome o = about.getValue();
      DecisionStore.Recording r = recorded.get(o);
      OutcomeReport item = outcomes.get(i);
      if (r.recorded()) {
        results.set(i, results.get(i).about(o.entry().decision));
      } else if (r.kept() == null) {
        results.set(
            i,
            answer(
                i,
                item,
                Result.UNKNOWN_REQUEST_ID,
                null,
                "the decision was evicted from the store while this outcome was joined to it"));
      } else {
        results.set(
            i,
            judged(
                i,
                item,
                o.entry().decision.withOutcome(r.kept()),
                r.kept().defaulted(),
                r.kept().observedAt()));
      }
    }
    return results;
  }

  /** The item's answer when it is invalid; {@code null} when it may be looked up. */
  private static OutcomeResult invalidOrNull(int index, OutcomeReport item, Instant now) {
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
    return errors.isEmpty() ? null : invalid(index, item, errors);
  }

  /**
   * The answer to an item whose lookup found no single decision; {@code null} when it found one.
   */
  static OutcomeResult unmatched(
      int index, String path, OutcomeReport item, DecisionStore.Match match) {
    String requestId = blankToNull(item.requestId());
    String applicantId = blankToNull(item.applicantId());
    if (match instanceof DecisionStore.UnknownRequest) {
      return answer(
          index,
          item,
          Result.UNKNOWN_REQUEST_ID,
          null,
          "no decision with request_id "
              + requestId
              + " is stored (never made, evicted, or made a moment ago and not written yet: retry"
              + " after a second)");
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
    return null;
  }

  /** The answer to a valid item, given what its lookup found. */
  private OutcomeResult judge(int index, OutcomeReport item, DecisionStore.Match match) {
    String path = "outcomes[" + index + "].";
    OutcomeResult unmatched = unmatched(index, path, item, match);
    if (unmatched != null) {
      return unmatched;
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
    if (item.groups() != null) {
      labels.add(new DecisionStore.NewLabels(entry, MonitoredGroups.encode(item.groups())));
    }
    DecisionStore.NewOutcome earlier = acceptedFor(entry);
    if (earlier != null) {
      about.put(index, earlier);
      return judged(index, item, entry.decision, earlier.defaulted(), earlier.observedAt());
    }
    DecisionStore.Outcome kept = entry.decision.outcome();
    if (kept != null) {
      return judged(index, item, entry.decision, kept.defaulted(), kept.observedAt());
    }
    DecisionStore.NewOutcome accepted =
        new DecisionStore.NewOutcome(entry, item.defaulted(), item.observedAt());
    this.accepted.add(accepted);
    about.put(index, accepted);
    return answer(index, item, Result.ACCEPTED, entry.decision, null);
  }

  /** An outcome this call already accepted for the decision, or {@code null}. */
  private DecisionStore.NewOutcome acceptedFor(DecisionStore.Entry entry) {
    for (DecisionStore.NewOutcome o : accepted) {
      if (o.entry().decision.seq() == entry.decision.seq()) {
        return o;
      }
    }
    return null;
  }

  /** An item about a decision that already has an outcome: a duplicate or a contradiction. */
  private static OutcomeResult judged(
      int index,
      OutcomeReport item,
      StoredDecision decision,
      boolean keptDefaulted,
      Instant keptObservedAt) {
    return keptDefaulted == item.defaulted()
        ? answer(
            index,
            item,
            Result.DUPLICATE,
            decision,
            "this outcome is already recorded for the decision; it is counted once")
        : answer(
            index,
            item,
            Result.CONTRADICTING,
            decision,
            "the decision already has the outcome defaulted="
                + keptDefaulted
                + " (observed at "
                + keptObservedAt
                + "); the first outcome is kept");
  }

  /** Ids longer than scoring allows, or not valid Unicode, can name no stored decision. */
  static final int MAX_ID_CHARS = 128;

  static void checkId(String field, String id, List<FieldError> errors) {
    if (id != null && (id.length() > MAX_ID_CHARS || !Shown.isPrintable(id))) {
      errors.add(
          new FieldError(
              field, "must be 1 to " + MAX_ID_CHARS + " printable characters of valid Unicode"));
    }
  }

  private static boolean has(OutcomeReport item, String field) {
    return item.problems().stream().anyMatch(p -> field.equals(p.field()));
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  static OutcomeResult invalid(int index, OutcomeReport item, List<FieldError> errors) {
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

  static OutcomeResult answer(
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
}
