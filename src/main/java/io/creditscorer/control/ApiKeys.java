package io.creditscorer.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Who may use the model-control API: bearer API keys from configuration, each with a role. There is
 * no default key: with none configured the control API refuses every call. Keys are kept as SHA-256
 * digests and compared in constant time. Immutable and thread-safe.
 */
public final class ApiKeys {

  /** What a key may do. */
  public enum Role {
    /** Read the repository index and routing. */
    VIEWER,
    /** Also load, unload and change routing. */
    ADMIN
  }

  /** Shortest key accepted in configuration. */
  public static final int MIN_LENGTH = 16;

  private final List<byte[]> admin;
  private final List<byte[]> viewer;

  /**
   * @throws IllegalArgumentException naming the setting when a key is shorter than {@link
   *     #MIN_LENGTH}
   */
  public ApiKeys(List<String> adminKeys, List<String> viewerKeys) {
    this.admin = digests(adminKeys, "scorer.control.admin-keys");
    this.viewer = digests(viewerKeys, "scorer.control.viewer-keys");
  }

  /**
   * The role of a bearer key, or {@code null} when it is none of the configured keys (or none are
   * configured: model control then needs a token with a model role).
   */
  public Role roleOf(String key) {
    if (key == null || (admin.isEmpty() && viewer.isEmpty())) {
      return null;
    }
    byte[] given = sha256(key.strip());
    if (matches(admin, given)) {
      return Role.ADMIN;
    }
    return matches(viewer, given) ? Role.VIEWER : null;
  }

  private static boolean matches(List<byte[]> keys, byte[] given) {
    boolean found = false;
    for (byte[] k : keys) {
      found |= MessageDigest.isEqual(k, given); // no early exit: time does not tell which
    }
    return found;
  }

  private static List<byte[]> digests(List<String> keys, String setting) {
    for (String k : keys) {
      if (k.strip().length() < MIN_LENGTH) {
        throw new IllegalArgumentException(
            setting + ": every key needs at least " + MIN_LENGTH + " characters");
      }
    }
    return keys.stream().map(k -> sha256(k.strip())).toList();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
