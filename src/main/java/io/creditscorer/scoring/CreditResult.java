package io.creditscorer.scoring;

import io.creditscorer.decision.Decision;
import java.util.List;

/** The decisions for a {@link CreditRequest}, in request order. */
public record CreditResult(
    String requestId,
    String modelName,
    String modelVersion,
    String policyVersion,
    List<Applicant> results) {

  /** One applicant's outcome. */
  public record Applicant(
      String applicantId, double probabilityOfDefault, int score, Decision decision) {}
}
