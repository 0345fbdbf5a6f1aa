package io.creditscorer.scoring;

import io.creditscorer.decision.Decision;
import io.creditscorer.decision.Reason;
import java.util.List;

/**
 * The decisions for a {@link CreditRequest}, in request order.
 *
 * @param degraded the routed version failed and its designated fallback version answered
 */
public record CreditResult(
    String requestId,
    String modelName,
    String modelVersion,
    String policyVersion,
    List<Applicant> results,
    boolean degraded) {

  /** This answer, marked as given by the fallback version. */
  public CreditResult asDegraded() {
    return new CreditResult(requestId, modelName, modelVersion, policyVersion, results, true);
  }

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
