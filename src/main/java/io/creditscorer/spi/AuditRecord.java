package io.creditscorer.spi;

import java.util.List;

/**
 * One decision, as kept for audit. Holds no raw applicant field: the input is identified by {@code
 * inputSha256}, a hash of the applicant's canonical fields. The sink stamps the time.
 */
public record AuditRecord(
    String requestId,
    String applicantId,
    String modelName,
    String modelVersion,
    String modelSha256,
    String policyVersion,
    String policyRule,
    String inputSha256,
    double probabilityOfDefault,
    int score,
    String decision,
    List<String> reasonCodes) {}
