package io.creditscorer.decision;

import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome for one applicant. */
public enum Decision {
  APPROVE,
  REFER,
  DECLINE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
