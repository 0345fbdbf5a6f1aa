package io.creditscorer.feedback;

import io.creditscorer.error.InvalidInputException.FieldError;
import java.util.List;
import java.util.Locale;

/**
 * What became of one reported outcome.
 *
 * @param index the outcome's position in the report
 * @param decision the decision it was joined to, with the outcome the store keeps for it; {@code
 *     null} when none was found or the outcome was invalid
 * @param message a sentence for a human, or {@code null}
 * @param errors each offending field, for {@link Result#INVALID}
 */
public record OutcomeResult(
    int index,
    Result result,
    String requestId,
    String applicantId,
    StoredDecision decision,
    String message,
    List<FieldError> errors) {

  /** This result about {@code d}, the decision as it is now recorded. */
  OutcomeResult about(StoredDecision d) {
    return new OutcomeResult(index, result, requestId, applicantId, d, message, errors);
  }

  /** The per-outcome answer. */
  public enum Result {
    /** Joined and recorded. */
    ACCEPTED,
    /** The same outcome was already recorded for this decision; not counted again. */
    DUPLICATE,
    /** A different outcome was already recorded for this decision; the first is kept. */
    CONTRADICTING,
    /** No stored decision has this request id (never made, evicted, or not written yet). */
    UNKNOWN_REQUEST_ID,
    /** No stored decision has this applicant id (within the request, when one was named). */
    UNKNOWN_APPLICANT_ID,
    /** A field is missing or wrong; {@code errors} names it. */
    INVALID;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
