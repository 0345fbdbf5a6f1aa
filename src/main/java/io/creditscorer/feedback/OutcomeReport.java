package io.creditscorer.feedback;

import io.creditscorer.error.InvalidInputException.FieldError;
import java.time.Instant;
import java.util.List;

/**
 * One observed outcome as a door read it: which decision (request id, applicant id or both),
 * whether the loan defaulted, when that was observed. A value the door could not read is {@code
 * null} and its problem is listed, named relative to the item (e.g. {@code observed_at}).
 */
public record OutcomeReport(
    String requestId,
    String applicantId,
    Boolean defaulted,
    Instant observedAt,
    List<FieldError> problems) {

  public OutcomeReport {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }
}
