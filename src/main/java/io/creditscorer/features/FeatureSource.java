package io.creditscorer.features;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A remote store of applicant features, read in bulk (e.g. Redis {@code MGET}). Sits behind a
 * {@link NearCacheFeatureStore}. Implementations are thread-safe and never throw: failures arrive
 * as a failed future.
 */
@FunctionalInterface
public interface FeatureSource {

  /** The stored fields of each id found; unknown ids are absent from the map. */
  CompletableFuture<Map<String, Map<String, Object>>> fetch(Collection<String> ids);

  /** Releases connections; the default holds none. */
  default void close() {}
}
