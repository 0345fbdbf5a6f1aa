package io.creditscorer.base;

import io.vertx.core.tracing.TracingPolicy;
import io.vertx.redis.client.RedisOptions;

/** Redis connection URLs as they may be shown (health, errors, logs), and clients' options. */
public final class RedisUrls {

  private RedisUrls() {}

  /**
   * Options for a client of {@code url} whose commands are never traced: their arguments hold
   * request and applicant ids, which no span may carry.
   */
  public static RedisOptions options(String url) {
    return new RedisOptions().setConnectionString(url).setTracingPolicy(TracingPolicy.IGNORE);
  }

  /**
   * The URL with its password replaced by {@code ***}: {@code redis://user:secret@host:6379/0}
   * becomes {@code redis://user:***@host:6379/0}.
   */
  public static String redacted(String url) {
    if (url == null) {
      return null;
    }
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    int colon = url.indexOf(':', scheme + 3);
    String user = colon >= 0 && colon < at ? url.substring(scheme + 3, colon) : "";
    return url.substring(0, scheme + 3) + user + ":***" + url.substring(at);
  }
}
