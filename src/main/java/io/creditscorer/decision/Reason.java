package io.creditscorer.decision;

/**
 * One principal reason for an applicant's risk.
 *
 * @param code the feature's stable reason code
 * @param description what about the applicant raised the risk, in words
 * @param feature the request field
 * @param impact how much the probability of default falls when this field alone is set to its
 *     training baseline (positive: the field raised the risk)
 */
public record Reason(String code, String description, String feature, double impact) {}
