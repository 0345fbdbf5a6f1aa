package io.creditscorer.api.rest;

import io.creditscorer.app.ScorerConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission at the door: at most {@code scorer.http.max-inflight} scoring requests are in progress;
 * the next one is answered 429 at once, before its body is parsed. The model queues bound the work
 * waiting for inference; this bounds the work (JSON parsing, validation) in front of them, so under
 * overload the requests that are accepted keep their latency. Health, metrics and metadata are
 * never limited.
 */
@ApplicationScoped
public class AdmissionLimit {

  private static final String BUSY = "{\"error\":\"too many requests in progress; retry shortly\"}";

  private final AtomicInteger inflight = new AtomicInteger();
  private final int max;

  public AdmissionLimit(ScorerConfig config) {
    this.max = config.http().maxInflight();
  }

  void install(@Observes Router router) {
    router.route().order(-100).handler(this::limit);
  }

  void limit(RoutingContext rc) {
    String path = rc.normalizedPath();
    if (!(path.startsWith("/v1/") || path.endsWith("/infer"))) {
      rc.next();
      return;
    }
    if (inflight.incrementAndGet() > max) {
      inflight.decrementAndGet();
      rc.response()
          .setStatusCode(429)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader("Retry-After", "1")
          .end(BUSY);
      return;
    }
    rc.addEndHandler(done -> inflight.decrementAndGet());
    rc.next();
  }
}
