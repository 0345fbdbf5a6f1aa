package io.creditscorer.features;

import io.creditscorer.base.RedisUrls;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Applicant features in Redis: one string key per applicant, {@code <prefix><applicant_id>}, whose
 * value is the applicant's fields as a JSON object (the layout {@link FeatureSnapshot#toJson}
 * writes and the loader command fills). A fetch is one {@code MGET}: one round trip for a whole
 * batch. Non-blocking (Vert.x Redis client, pooled connections that reconnect by themselves).
 * Thread-safe.
 */
public final class RedisFeatureSource implements FeatureSource {

  private static final Logger LOG = Logger.getLogger(RedisFeatureSource.class);

  private final Redis client;
  private final String url;
  private final String prefix;
  private final AtomicLong invalidValues = new AtomicLong();

  /**
   * @param url e.g. {@code redis://127.0.0.1:6379/0}
   * @param prefix prepended to each applicant id to form its key
   */
  public RedisFeatureSource(Vertx vertx, String url, String prefix, int poolSize) {
    this.url = url;
    this.prefix = prefix;
    this.client =
        Redis.createClient(
            vertx,
            RedisUrls.options(url)
                .setMaxPoolSize(poolSize)
                .setMaxPoolWaiting(4096)
                .setMaxWaitingHandlers(4096));
  }

  public String url() {
    return RedisUrls.redacted(url);
  }

  /** Stored values that were not JSON objects (each is treated as unknown and logged). */
  public long invalidValues() {
    return invalidValues.get();
  }

  @Override
  public CompletableFuture<Map<String, Map<String, Object>>> fetch(Collection<String> ids) {
    List<String> keys = List.copyOf(ids);
    Request mget = Request.cmd(Command.MGET);
    for (String id : keys) {
      mget.arg(prefix + id);
    }
    return client
        .send(mget)
        .toCompletionStage()
        .toCompletableFuture()
        .thenApply(values -> decode(keys, values));
  }

  private Map<String, Map<String, Object>> decode(List<String> ids, Response values) {
    Map<String, Map<String, Object>> out = new HashMap<>(ids.size() * 2);
    for (int i = 0; i < ids.size(); i++) {
      Response value = values.get(i);
      if (value == null) {
        continue;
      }
      try {
        out.put(ids.get(i), FeatureSnapshot.fromJson(value.toString()));
      } catch (IllegalArgumentException e) {
        invalidValues.incrementAndGet();
        LOG.warnf(
            "Redis key %s%s does not hold a JSON object; treated as unknown", prefix, ids.get(i));
      }
    }
    return out;
  }

  @Override
  public void close() {
    client.close();
  }
}
