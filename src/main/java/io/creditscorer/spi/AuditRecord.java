package io.creditscorer.spi;

import java.util.List;

/**
 * One decision, as kept for audit. Holds no raw applicant field: the input is identified by {@code
 * inputHmac}, a keyed hash (HMAC-SHA256) of the applicant's canonical fields under the key named
 * {@code hmacKeyId}. The sink stamps the time.
 */
public record AuditRecord(
    String requestId,
    String applicantId,
    String modelName,
    String modelVersion,
    String modelSha256,
    String policyVersion,
    String policyRule,
    String inputHmac,
    String hmacKeyId,
    double probabilityOfDefault,
    int score,
    String decision,
    List<String> reasonCodes) {}
