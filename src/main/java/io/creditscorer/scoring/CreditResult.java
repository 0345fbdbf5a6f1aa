package io.creditscorer.scoring;

import io.creditscorer.decision.Decision;
import io.creditscorer.decision.Reason;
import java.util.List;

/** The decisions for a {@link CreditRequest}, in request order. */
public record CreditResult(
    String requestId,
    String modelName,
    String modelVersion,
    String policyVersion,
    List<Applicant> results) {

  /**
   * One applicant's outcome.
   *
   * @param policyRule the hard rule that changed the decision, or {@code null}
   * @param reasons the principal factors that raised the risk, largest first
   */
  public record Applicant(
      String applicantId,
      double probabilityOfDefault,
      int score,
      Decision decision,
      String policyRule,
      List<Reason> reasons) {}
}
