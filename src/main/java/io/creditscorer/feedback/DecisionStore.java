package io.creditscorer.feedback;

import java.time.Instant;
import java.util.List;

/**
 * The decisions outcomes are joined to, keyed by request id (several decisions when a request
 * scored several applicants) and by applicant id (the latest decision for that applicant), each
 * with at most one outcome: the first recorded wins.
 *
 * <p>Bounded by {@code scorer.feedback.store.max-entries} decisions and {@code .retention}; the
 * oldest are evicted first. Two kinds: {@link FileDecisionStore}, embedded in one replica, and
 * {@link RedisDecisionStore}, shared by every replica. A method that cannot reach its storage
 * throws {@link java.io.UncheckedIOException} and changes nothing.
 */
public interface DecisionStore extends AutoCloseable {

  /** A decision as the engine made it. */
  record NewDecision(
      String requestId,
      String applicantId,
      String modelName,
      String modelVersion,
      double probabilityOfDefault,
      int score,
      String decision,
      Instant decidedAt) {}

  /** What was observed about a decided loan, and when it was recorded. */
  record Outcome(boolean defaulted, Instant observedAt, Instant recordedAt) {}

  /** A decision {@link #find} found: where it lives in the store, and its value. */
  final class Entry {
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

  /** An outcome to record for an entry {@link #find} found. */
  record NewOutcome(Entry entry, boolean defaulted, Instant observedAt) {}

  /**
   * What recording one outcome did.
   *
   * @param kept the outcome the decision keeps: the new one when {@code recorded}, else the one
   *     recorded before it; {@code null} when the decision was evicted since it was found
   */
  record Recording(boolean recorded, Outcome kept) {}

  /** How many live decisions and outcomes a model version has. */
  record VersionCount(String modelName, String modelVersion, int decisions, int outcomes) {}

  /** What the performance windows need of a decision that has an outcome. */
  @FunctionalInterface
  interface OutcomeVisitor {
    void visit(
        String modelName,
        String modelVersion,
        double probabilityOfDefault,
        String decision,
        long seq,
        Outcome outcome);
  }

  /**
   * Group labels for a decision {@link #find} found, as {@link MonitoredGroups#encode} wrote them.
   */
  record NewLabels(Entry entry, String groups) {}

  /** What fairness monitoring needs of a decision that carries group labels. */
  @FunctionalInterface
  interface LabelledVisitor {
    /**
     * @param outcome {@code null} while the decision has none
     */
    void visit(
        String modelName,
        String modelVersion,
        double probabilityOfDefault,
        String decision,
        Instant decidedAt,
        long seq,
        String groups,
        Outcome outcome);
  }

  /** Stores decisions in order; evicts over the bounds. */
  void add(List<NewDecision> decisions);

  /** Which decision an outcome is about: a request id, an applicant id, or both. */
  record Lookup(String requestId, String applicantId) {}

  /**
   * The decisions outcomes are about, one match per lookup: by request id (with the applicant id
   * when the request holds several decisions), or the latest decision for an applicant id alone.
   */
  List<Match> findAll(List<Lookup> lookups);

  /** {@link #findAll} of one lookup. */
  default Match find(String requestId, String applicantId) {
    return findAll(List.of(new Lookup(requestId, applicantId))).get(0);
  }

  /**
   * Records each outcome whose decision has none yet, all or none: when the store cannot be
   * written, nothing is recorded and a retry is accepted, not a duplicate. An outcome whose
   * decision already has one (recorded earlier, by an earlier item, or by another replica) is not
   * recorded. Updates each accepted entry's decision to carry its outcome.
   *
   * @return one recording per outcome, in order
   */
  List<Recording> recordAll(List<NewOutcome> outcomes);

  /**
   * Puts each decision's labels over the ones it has, attribute by attribute, all or none (a retry
   * changes nothing more). A decision evicted since it was found is skipped.
   */
  void labelAll(List<NewLabels> labels);

  /** Visits every live decision that carries group labels (for a shared store, as it is read). */
  void visitLabelled(LabelledVisitor visitor);

  /** Evicts decisions older than the retention (the service calls it periodically). */
  void evictExpired();

  /**
   * The live decisions' and outcomes' counts per model version, visiting at least every outcome
   * observed at or after {@code oldest} among each version's latest {@code latest} by observation
   * time (and possibly more).
   */
  List<VersionCount> countAndVisitOutcomes(Instant oldest, int latest, OutcomeVisitor visitor);

  /** Live decisions (as last seen, for a shared store). */
  int size();

  /** Live decisions that have an outcome (as last seen, for a shared store). */
  int outcomes();

  /** Decisions this process evicted since it opened the store. */
  long evicted();

  @Override
  void close();
}
