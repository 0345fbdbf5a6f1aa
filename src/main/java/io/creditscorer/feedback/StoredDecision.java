package io.creditscorer.feedback;

import io.creditscorer.feedback.DecisionStore.Outcome;
import java.time.Instant;

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
