package io.creditscorer.feedback;

import io.creditscorer.error.InvalidInputException.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One observed outcome as a door read it: which decision (request id, applicant id or both),
 * whether the loan defaulted, when that was observed. A value the door could not read is {@code
 * null} and its problem is listed, named relative to the item (e.g. {@code observed_at}). {@code
 * groups}: the applicant's group labels for fairness monitoring ({@link MonitoredGroups}), or
 * {@code null}.
 */
public record OutcomeReport(
    String requestId,
    String applicantId,
    Boolean defaulted,
    Instant observedAt,
    List<FieldError> problems,
    Map<String, String> groups) {

  public OutcomeReport {
    problems = problems == null ? List.of() : List.copyOf(problems);
    groups = groups == null || groups.isEmpty() ? null : Map.copyOf(groups);
  }

  /** An outcome without group labels. */
  public OutcomeReport(
      String requestId,
      String applicantId,
      Boolean defaulted,
      Instant observedAt,
      List<FieldError> problems) {
    this(requestId, applicantId, defaulted, observedAt, problems, null);
  }
}
