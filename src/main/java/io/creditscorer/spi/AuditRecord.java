package io.creditscorer.spi;

import java.util.List;

/**
 * One decision, as kept for audit. Holds no raw applicant field: the input is identified by {@code
 * inputHmac}, a keyed hash (HMAC-SHA256) of the applicant's canonical fields under the key named
 * {@code hmacKeyId}. {@code caller} is who asked (a token's {@code sub}; {@code null} while
 * authentication is off). The sink stamps the time.
 */
public record AuditRecord(
    String requestId,
    String caller,
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
