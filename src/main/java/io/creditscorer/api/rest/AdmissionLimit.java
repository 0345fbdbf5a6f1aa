package io.creditscorer.api.rest;

import io.creditscorer.app.ScorerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
 * never limited. Refusals are counted in {@code scorer_admission_rejected_total}.
 */
@ApplicationScoped
public class AdmissionLimit {

  private static final String BUSY = "{\"error\":\"too many requests in progress; retry shortly\"}";

  private final AtomicInteger inflight = new AtomicInteger();
  private final int max;
  private final Counter rejected;

  public AdmissionLimit(ScorerConfig config, MeterRegistry registry) {
    this.max = config.http().maxInflight();
    this.rejected =
        Counter.builder("scorer.admission.rejected")
            .description("Scoring requests refused with 429 at the door: too many in progress")
            .tag("door", "rest")
            .register(registry);
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
      rejected.increment();
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
