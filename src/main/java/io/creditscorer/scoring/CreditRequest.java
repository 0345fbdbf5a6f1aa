package io.creditscorer.scoring;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Applicants to score, transport-neutral. Each applicant is a map of field name to value as a JSON
 * parser yields it ({@code String}, {@code Number}, {@code Boolean}, {@code null}, list, map); the
 * engine validates names, types and values.
 *
 * @param requestId the caller's id, echoed back; generated when {@code null}
 * @param version explicit model version, or {@code null} for the served default
 * @param timeout how long the caller waits, or {@code null} for the configured default
 * @param idempotencyKey the caller's key for safe retries, or {@code null}
 * @param caller who asked: the authenticated caller's name (a token's {@code sub}), or {@code null}
 *     while authentication is off
 */
public record CreditRequest(
    String requestId,
    String version,
    List<Map<String, Object>> applicants,
    Duration timeout,
    String idempotencyKey,
    String caller) {

  /** A request of no authenticated caller. */
  public CreditRequest(
      String requestId,
      String version,
      List<Map<String, Object>> applicants,
      Duration timeout,
      String idempotencyKey) {
    this(requestId, version, applicants, timeout, idempotencyKey, null);
  }
}
