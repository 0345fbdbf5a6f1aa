package io.creditscorer.api.rest;

import io.creditscorer.error.InvalidInputException;
import java.time.Duration;

/** The caller's deadline over HTTP: {@code X-Timeout-Ms}, a whole number of milliseconds. */
final class Timeouts {

  static final String HEADER = "X-Timeout-Ms";
  private static final long MAX_MS = 3_600_000;

  private Timeouts() {}

  /** {@code null} when the header is absent (the configured default applies). */
  static Duration parse(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    long ms;
    try {
      ms = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      ms = -1;
    }
    if (ms < 1 || ms > MAX_MS) {
      throw new InvalidInputException(
          HEADER,
          "must be a whole number of milliseconds from 1 to " + MAX_MS + ", got '" + header + "'");
    }
    return Duration.ofMillis(ms);
  }
}
