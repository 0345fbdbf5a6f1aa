package io.creditscorer.scoring;

import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.Shown;
import java.util.List;

/**
 * The bounds of the identifiers a caller chooses. They are written to the audit log and the
 * decision store for every applicant, so their size decides what a request costs on disk: bounded
 * here, before any work, on every door alike.
 */
final class Identifiers {

  /** {@code request_id}, {@code applicant_id} and the V2 {@code id}. */
  static final int MAX_ID_CHARS = 128;

  /** The {@code Idempotency-Key} header (gRPC: {@code idempotency-key} metadata). */
  static final int MAX_IDEMPOTENCY_KEY_CHARS = 255;

  private Identifiers() {}

  /**
   * Adds an error unless {@code value} is absent or 1 to {@code max} printable characters of valid
   * Unicode.
   */
  static void check(String field, String value, int max, List<FieldError> errors) {
    if (value == null) {
      return;
    }
    if (value.isEmpty() || value.length() > max) {
      errors.add(
          new FieldError(field, "must be 1 to " + max + " characters, not " + value.length()));
    } else if (!Shown.isPrintable(value)) {
      errors.add(
          new FieldError(
              field,
              "must be printable characters of valid Unicode (no control characters or lone"
                  + " surrogates)"));
    }
  }

  /** Throws when {@code value} fails {@link #check}. */
  static void require(String field, String value, int max) {
    List<FieldError> errors = new java.util.ArrayList<>(1);
    check(field, value, max, errors);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
  }
}
