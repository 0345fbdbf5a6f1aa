package io.creditscorer.error;

/**
 * Root of the one exception hierarchy the engine uses. Each door maps a {@link Kind} to its own
 * status once (REST: HTTP status, gRPC: status code); nothing else is inspected.
 */
public class ScoringException extends RuntimeException {

  /** What went wrong, independent of the transport. */
  public enum Kind {
    INVALID_INPUT,
    NOT_FOUND,
    NOT_READY,
    /** A dependency (e.g. the feature store) is down; the service itself is up. */
    UNAVAILABLE,
    OVERLOADED,
    DEADLINE_EXCEEDED,
    PAYLOAD_TOO_LARGE,
    CONFLICT,
    /** No or unknown credentials. */
    UNAUTHENTICATED,
    /** Known credentials without the right to do this. */
    FORBIDDEN,
    INTERNAL
  }

  /** Characters of a message shown to a caller; longer ones are cut (see {@link Shown}). */
  public static final int MAX_MESSAGE_CHARS = 400;

  private final Kind kind;

  /** {@code message} may quote the caller's input: it is made printable and bounded. */
  public ScoringException(Kind kind, String message) {
    super(Shown.text(message, MAX_MESSAGE_CHARS));
    this.kind = kind;
  }

  public ScoringException(Kind kind, String message, Throwable cause) {
    super(Shown.text(message, MAX_MESSAGE_CHARS), cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static ScoringException notFound(String message) {
    return new ScoringException(Kind.NOT_FOUND, message);
  }

  public static ScoringException notReady(String message) {
    return new ScoringException(Kind.NOT_READY, message);
  }

  public static ScoringException unavailable(String message, Throwable cause) {
    return new ScoringException(Kind.UNAVAILABLE, message, cause);
  }

  public static ScoringException overloaded(String message) {
    return new ScoringException(Kind.OVERLOADED, message);
  }

  public static ScoringException payloadTooLarge(String message) {
    return new ScoringException(Kind.PAYLOAD_TOO_LARGE, message);
  }
}
