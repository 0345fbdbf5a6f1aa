package io.creditscorer.features;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Maps applicant ids to their stored feature values, so a caller may send an id instead of the
 * whole applicant. Implementations are thread-safe.
 */
public interface FeatureStore extends AutoCloseable {

  /**
   * Looks up many applicants at once (one round trip to a remote store, at most).
   *
   * @return the applicants found, by id; unknown ids are absent. Never throws: a store that cannot
   *     answer fails the future (e.g. timeout, circuit open).
   */
  CompletableFuture<Map<String, StoredApplicant>> lookup(Collection<String> ids);

  /** A short description for logs and health, e.g. {@code snapshot data/applicants.jsonl}. */
  String describe();

  /** Whether the backing store answers at the moment; {@code false} means degraded. */
  default boolean healthy() {
    return true;
  }

  @Override
  default void close() {}

  /** A store that knows nobody: every applicant must carry all its fields. */
  static FeatureStore none() {
    return new FeatureStore() {
      @Override
      public CompletableFuture<Map<String, StoredApplicant>> lookup(Collection<String> ids) {
        return CompletableFuture.completedFuture(Map.of());
      }

      @Override
      public String describe() {
        return "none";
      }
    };
  }
}
