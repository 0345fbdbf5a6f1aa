package io.creditscorer.scoring;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret key of the audit fingerprint (HMAC-SHA256 over the applicant's canonical fields), and
 * its id, written beside each fingerprint so that records made under an older key stay attributable
 * after a rotation. Without the key a fingerprint cannot be recomputed from guessed fields, which
 * an unkeyed hash of mostly categorical values would allow.
 */
public record AuditKey(String id, SecretKeySpec key) {

  /** Shortest secret accepted: the HMAC's own block of security. */
  public static final int MIN_SECRET_BYTES = 32;

  /**
   * @throws IllegalArgumentException naming the setting when the secret is shorter than {@link
   *     #MIN_SECRET_BYTES} bytes
   */
  public static AuditKey of(String id, String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "scorer.audit.hmac-key must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    return new AuditKey(id, new SecretKeySpec(bytes, "HmacSHA256"));
  }

  /** A random key for this process only: its fingerprints cannot be compared with another run's. */
  public static AuditKey ephemeral() {
    byte[] secret = new byte[MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    byte[] id = new byte[4];
    new SecureRandom().nextBytes(id);
    return new AuditKey(
        "ephemeral-" + HexFormat.of().formatHex(id), new SecretKeySpec(secret, "HmacSHA256"));
  }

  @Override
  public String toString() {
    return "AuditKey[" + id + "]"; // never the secret
  }
}
