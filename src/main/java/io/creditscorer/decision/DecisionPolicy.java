package io.creditscorer.decision;

/**
 * Probability-of-default thresholds: below {@code approveBelow} approve, at or above {@code
 * declineAtOrAbove} decline, refer to an underwriter in between.
 *
 * @param version names the policy in every answer it decided
 */
public record DecisionPolicy(String version, double approveBelow, double declineAtOrAbove) {

  public DecisionPolicy {
    if (!(0 <= approveBelow && approveBelow <= declineAtOrAbove && declineAtOrAbove <= 1)) {
      throw new IllegalArgumentException(
          "decision_policy needs 0 <= approve_below <= decline_at_or_above <= 1");
    }
  }

  public Decision decide(double probabilityOfDefault) {
    if (probabilityOfDefault < approveBelow) {
      return Decision.APPROVE;
    }
    return probabilityOfDefault >= declineAtOrAbove ? Decision.DECLINE : Decision.REFER;
  }
}
