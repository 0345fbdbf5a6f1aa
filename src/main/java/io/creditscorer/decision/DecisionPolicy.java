package io.creditscorer.decision;

import java.util.Map;

/**
 * Probability-of-default thresholds: below {@code approveBelow} approve, at or above {@code
 * declineAtOrAbove} decline, refer to an underwriter in between. Optional hard rule: an applicant
 * the thresholds would approve is referred when {@code credit_amount} exceeds {@code
 * maxAutoApproveAmount}.
 *
 * @param version names the policy in every answer it decided
 */
public record DecisionPolicy(
    String version, double approveBelow, double declineAtOrAbove, Double maxAutoApproveAmount) {

  /** The field the amount rule reads. */
  public static final String AMOUNT_FIELD = "credit_amount";

  /** Name of the amount rule, reported when it changed a decision. */
  public static final String AMOUNT_RULE = "max_auto_approve_amount";

  /** A decision and, when a hard rule changed it, the rule's name. */
  public record Verdict(Decision decision, String rule) {}

  public DecisionPolicy {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("decision_policy needs a version");
    }
    if (!(0 <= approveBelow && approveBelow <= declineAtOrAbove && declineAtOrAbove <= 1)) {
      throw new IllegalArgumentException(
          "decision_policy needs 0 <= approve_below <= decline_at_or_above <= 1");
    }
    if (maxAutoApproveAmount != null && !(maxAutoApproveAmount > 0)) {
      throw new IllegalArgumentException("decision_policy.max_auto_approve_amount must be > 0");
    }
  }

  public Decision decide(double probabilityOfDefault) {
    if (probabilityOfDefault < approveBelow) {
      return Decision.APPROVE;
    }
    return probabilityOfDefault >= declineAtOrAbove ? Decision.DECLINE : Decision.REFER;
  }

  /** The thresholds, then the hard rules. */
  public Verdict decide(double probabilityOfDefault, Map<String, ?> applicant) {
    Decision d = decide(probabilityOfDefault);
    if (d == Decision.APPROVE
        && maxAutoApproveAmount != null
        && applicant.get(AMOUNT_FIELD) instanceof Number amount
        && amount.doubleValue() > maxAutoApproveAmount) {
      return new Verdict(Decision.REFER, AMOUNT_RULE);
    }
    return new Verdict(d, null);
  }

  /** This policy with the non-null parts of an override (configuration beats the descriptor). */
  public DecisionPolicy with(
      String version, Double approveBelow, Double declineAtOrAbove, Double maxAutoApproveAmount) {
    return new DecisionPolicy(
        version != null ? version : this.version,
        approveBelow != null ? approveBelow : this.approveBelow,
        declineAtOrAbove != null ? declineAtOrAbove : this.declineAtOrAbove,
        maxAutoApproveAmount != null ? maxAutoApproveAmount : this.maxAutoApproveAmount);
  }
}
