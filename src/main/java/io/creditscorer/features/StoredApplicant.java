package io.creditscorer.features;

import io.creditscorer.error.InvalidInputException.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An applicant's stored feature values, as a feature store serves them, plus the same values
 * already encoded into each model version's input row: the first request for a version encodes
 * them, every later one copies the row and skips feature engineering. Immutable apart from that
 * memo; safe for any number of threads.
 */
public final class StoredApplicant {

  private final String id;
  private final Map<String, Object> fields;
  private final long loadedAtNanos;
  private final Map<CreditFeatureEncoder, Encoded> encoded = new ConcurrentHashMap<>(2);

  /**
   * @param fields the stored values, keyed by request field name (never {@code applicant_id})
   * @param loadedAtNanos when the values were read from their source, on the store's ticker
   */
  public StoredApplicant(String id, Map<String, Object> fields, long loadedAtNanos) {
    this.id = id;
    this.fields = Map.copyOf(fields);
    this.loadedAtNanos = loadedAtNanos;
  }

  public String id() {
    return id;
  }

  /** The stored values, unmodifiable. */
  public Map<String, Object> fields() {
    return fields;
  }

  public long loadedAtNanos() {
    return loadedAtNanos;
  }

  /**
   * The values encoded for {@code encoder}'s model, computed once per encoder. Callers copy the row
   * and never write to it.
   */
  public Encoded encodedFor(CreditFeatureEncoder encoder) {
    return encoded.computeIfAbsent(encoder, this::encode);
  }

  private Encoded encode(CreditFeatureEncoder encoder) {
    float[] row = new float[encoder.width()];
    List<FieldError> problems = new ArrayList<>();
    encoder.encode(fields, row, 0, "", problems);
    return new Encoded(problems.isEmpty() ? row : null, List.copyOf(problems));
  }

  /**
   * A stored applicant in one model's input layout.
   *
   * @param row the encoded row, or {@code null} when the stored values don't fit the model
   * @param problems why they don't; field names start with {@code .}
   */
  public record Encoded(float[] row, List<FieldError> problems) {}
}
