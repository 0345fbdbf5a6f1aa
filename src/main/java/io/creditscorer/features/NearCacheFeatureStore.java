package io.creditscorer.features;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.creditscorer.base.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * An in-process Caffeine cache in front of a remote {@link FeatureSource}: bounded in size, entries
 * expire a fixed time after they were read from the source, and an entry used after {@code
 * refreshAfter} is re-read in the background while the old value keeps being served
 * (refresh-ahead). Misses of one {@link #lookup} go to the source together, in one call; concurrent
 * misses for the same id share one read (single flight). Ids the source doesn't know are remembered
 * for {@code absentTtl}, so unknown ids don't hammer the source. Thread-safe.
 *
 * <p>Meters: Caffeine's {@code cache_gets_total{cache="features",result=hit|miss}}, {@code
 * cache_size}, {@code cache_evictions_total}, {@code cache_load_duration_seconds}; and {@code
 * scorer_feature_age_seconds} (how old the values served are: staleness), {@code
 * scorer_feature_source_failures_total}.
 */
public final class NearCacheFeatureStore implements FeatureStore {

  /**
   * @param maxSize most applicants held; the least valuable are evicted beyond it
   * @param ttl how long values are served after being read from the source
   * @param refreshAfter age after which a used entry is re-read in the background (less than ttl)
   * @param absentTtl how long an id the source doesn't know is remembered as unknown
   */
  public record Settings(long maxSize, Duration ttl, Duration refreshAfter, Duration absentTtl) {
    public Settings {
      if (maxSize < 1) {
        throw new IllegalArgumentException("maxSize must be at least 1");
      }
      if (refreshAfter.compareTo(ttl) >= 0) {
        throw new IllegalArgumentException("refreshAfter must be shorter than ttl");
      }
    }
  }

  private static final StoredApplicant ABSENT = new StoredApplicant("", Map.of(), 0);

  private final FeatureSource source;
  private final String description;
  private final Ticker ticker;
  private final AsyncLoadingCache<String, StoredApplicant> cache;
  private final DistributionSummary age;
  private final Counter failures;
  private volatile boolean healthy = true;

  public NearCacheFeatureStore(
      FeatureSource source,
      String description,
      Settings settings,
      Ticker ticker,
      Executor executor,
      MeterRegistry registry) {
    this.source = source;
    this.description = description;
    this.ticker = ticker;
    long ttl = settings.ttl().toNanos();
    long absentTtl = settings.absentTtl().toNanos();
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(settings.maxSize())
            .expireAfter(
                new Expiry<String, StoredApplicant>() {
                  @Override
                  public long expireAfterCreate(String id, StoredApplicant a, long now) {
                    return a == ABSENT ? absentTtl : ttl;
                  }

                  @Override
                  public long expireAfterUpdate(
                      String id, StoredApplicant a, long now, long remaining) {
                    return a == ABSENT ? absentTtl : ttl;
                  }

                  @Override
                  public long expireAfterRead(
                      String id, StoredApplicant a, long now, long remaining) {
                    return remaining;
                  }
                })
            .refreshAfterWrite(settings.refreshAfter())
            .ticker(ticker::read)
            .executor(executor)
            .recordStats()
            .buildAsync(new Loader());
    CaffeineCacheMetrics.monitor(registry, cache, "features");
    this.age =
        DistributionSummary.builder("scorer.feature.age")
            .description("Age of the stored feature values served, since read from their source")
            .baseUnit("seconds")
            .serviceLevelObjectives(1, 10, 60, 300, 600, 1800, 3600)
            .register(registry);
    this.failures =
        Counter.builder("scorer.feature.source.failures")
            .description("Failed reads from the feature store behind the cache")
            .register(registry);
  }

  @Override
  public CompletableFuture<Map<String, StoredApplicant>> lookup(Collection<String> ids) {
    return cache
        .getAll(ids)
        .thenApply(
            all -> {
              long now = ticker.read();
              Map<String, StoredApplicant> found = new HashMap<>(all.size() * 2);
              for (Map.Entry<String, StoredApplicant> e : all.entrySet()) {
                StoredApplicant a = e.getValue();
                if (a != ABSENT) {
                  found.put(e.getKey(), a);
                  age.record((now - a.loadedAtNanos()) / 1e9);
                }
              }
              return found;
            });
  }

  @Override
  public String describe() {
    return description + " behind a near-cache";
  }

  @Override
  public boolean healthy() {
    return healthy;
  }

  @Override
  public void close() {
    source.close();
  }

  /** Applicants held at the moment (approximate). */
  public long size() {
    return cache.synchronous().estimatedSize();
  }

  /** Drops every cached applicant (e.g. after a bulk reload of the source). */
  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  private final class Loader implements AsyncCacheLoader<String, StoredApplicant> {

    @Override
    public CompletableFuture<StoredApplicant> asyncLoad(String id, Executor executor) {
      return asyncLoadAll(Set.of(id), executor).thenApply(m -> m.get(id));
    }

    @Override
    public CompletableFuture<Map<String, StoredApplicant>> asyncLoadAll(
        Set<? extends String> ids, Executor executor) {
      CompletableFuture<Map<String, Map<String, Object>>> read;
      try {
        read = source.fetch(Set.copyOf(ids));
      } catch (RuntimeException e) {
        read = CompletableFuture.failedFuture(e);
      }
      return read.handle(
          (stored, error) -> {
            healthy = error == null;
            if (error != null) {
              failures.increment();
              throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            long now = ticker.read();
            Map<String, StoredApplicant> out = new HashMap<>(ids.size() * 2);
            for (String id : ids) {
              Map<String, Object> fields = stored.get(id);
              out.put(id, fields == null ? ABSENT : new StoredApplicant(id, fields, now));
            }
            return out;
          });
    }
  }
}
