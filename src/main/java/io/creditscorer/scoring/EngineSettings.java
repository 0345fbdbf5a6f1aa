package io.creditscorer.scoring;

import io.creditscorer.decision.DecisionPolicy;
import java.time.Duration;

/**
 * @param maxRequestRows most rows (applicants, or the first dimension of a tensor) one call may
 *     carry
 * @param creditModel the model the credit-decision API scores with
 * @param defaultTimeout how long a request may take when its caller sets no deadline; a request
 *     still queued after it is answered DEADLINE_EXCEEDED, unrun
 * @param reasonCount reason codes per credit answer; 0 turns explanation off
 * @param policyOverride configured decision-policy values that replace the descriptor's
 * @param idempotencyWindow how long an Idempotency-Key's answer is kept
 * @param idempotencyMaxBytes most bytes the kept keys and answers may hold together
 * @param auditKey the key of the audit fingerprint
 */
public record EngineSettings(
    int maxRequestRows,
    String creditModel,
    Duration defaultTimeout,
    int reasonCount,
    PolicyOverride policyOverride,
    Duration idempotencyWindow,
    long idempotencyMaxBytes,
    AuditKey auditKey) {

  /** Decision-policy values from configuration; {@code null} keeps the descriptor's. */
  public record PolicyOverride(
      String version, Double approveBelow, Double declineAtOrAbove, Double maxAutoApproveAmount) {

    public PolicyOverride {
      boolean changes =
          approveBelow != null || declineAtOrAbove != null || maxAutoApproveAmount != null;
      if (changes && version == null) {
        throw new IllegalArgumentException(
            "scorer.credit.policy.version is required when scorer.credit.policy values are set, so"
                + " every answer names the policy that decided it");
      }
    }

    public static PolicyOverride none() {
      return new PolicyOverride(null, null, null, null);
    }

    public DecisionPolicy applyTo(DecisionPolicy policy) {
      if (version == null
          && approveBelow == null
          && declineAtOrAbove == null
          && maxAutoApproveAmount == null) {
        return policy;
      }
      return policy.with(version, approveBelow, declineAtOrAbove, maxAutoApproveAmount);
    }
  }

  public EngineSettings {
    if (maxRequestRows < 1) {
      throw new IllegalArgumentException("scorer.inference.max-request-rows must be at least 1");
    }
    if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new IllegalArgumentException("scorer.inference.default-timeout must be positive");
    }
    if (reasonCount < 0) {
      throw new IllegalArgumentException("scorer.credit.reason-count must be >= 0");
    }
  }

  /**
   * Defaults for embedding and tests: 4 reasons, no policy override, a 10-minute window of at most
   * 64 MiB.
   */
  public static EngineSettings defaults(String creditModel) {
    return new EngineSettings(
        4096,
        creditModel,
        Duration.ofSeconds(2),
        4,
        PolicyOverride.none(),
        Duration.ofMinutes(10),
        64L << 20,
        AuditKey.ephemeral());
  }
}
