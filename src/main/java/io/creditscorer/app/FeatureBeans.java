package io.creditscorer.app;

import io.creditscorer.base.RedisUrls;
import io.creditscorer.base.Ticker;
import io.creditscorer.features.FeatureSource;
import io.creditscorer.features.FeatureStore;
import io.creditscorer.features.GuardedFeatureSource;
import io.creditscorer.features.NearCacheFeatureStore;
import io.creditscorer.features.RedisFeatureSource;
import io.creditscorer.features.SnapshotFeatureStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ForkJoinPool;
import org.jboss.logging.Logger;

/** The feature store ({@code scorer.features.*}): none, the embedded snapshot, or Redis. */
@Singleton
public class FeatureBeans {

  private static final Logger LOG = Logger.getLogger(FeatureBeans.class);

  /** The feature store chosen by {@code scorer.features.store}. */
  @Produces
  @Singleton
  FeatureStore features(ScorerConfig config, Vertx vertx, MeterRegistry registry) {
    ScorerConfig.Features f = config.features();
    FeatureStore store =
        switch (f.store()) {
          case none -> FeatureStore.none();
          case snapshot -> {
            try {
              yield SnapshotFeatureStore.load(f.snapshot(), Ticker.system());
            } catch (IOException | UncheckedIOException e) {
              throw new IllegalStateException(
                  "scorer.features.snapshot: cannot read "
                      + f.snapshot().toAbsolutePath()
                      + " ("
                      + e.getMessage()
                      + "); point it at a snapshot file, or set scorer.features.store=none",
                  e);
            }
          }
          case redis -> {
            ScorerConfig.Features.Redis r = f.redis();
            ScorerConfig.Features.Cache c = f.cache();
            FeatureSource redis =
                new GuardedFeatureSource(
                    new RedisFeatureSource(vertx, r.url(), r.keyPrefix(), r.poolSize()),
                    "feature-store",
                    new GuardedFeatureSource.Settings(
                        r.timeout(),
                        r.circuitWindow(),
                        r.circuitFailureRatio(),
                        r.circuitOpenFor()));
            yield new NearCacheFeatureStore(
                redis,
                "redis " + RedisUrls.redacted(r.url()),
                new NearCacheFeatureStore.Settings(
                    c.maxSize(), c.ttl(), c.refreshAfter(), c.absentTtl()),
                Ticker.system(),
                ForkJoinPool.commonPool(),
                registry);
          }
        };
    LOG.infof(
        "Feature store: %s%s",
        store.describe(),
        f.store() == ScorerConfig.Features.Store.snapshot ? " from " + f.snapshot() : "");
    Gauge.builder("scorer.feature.store.healthy", store, s -> s.healthy() ? 1 : 0)
        .description("1 while the feature store answers; 0: degraded (id-only requests get 503)")
        .tag("store", f.store().name())
        .register(registry);
    return store;
  }

  void close(@Disposes FeatureStore store) {
    store.close();
  }
}
