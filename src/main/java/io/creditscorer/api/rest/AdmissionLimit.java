package io.creditscorer.api.rest;

import io.creditscorer.api.Admission;
import io.creditscorer.base.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Admission at the door: scoring requests in progress are bounded by {@link Admission} ({@code
 * scorer.http.max-inflight}, with a burst allowance); a refused request is answered 429 at once,
 * before its body is parsed. The model queues bound the work waiting for inference; this bounds the
 * work (JSON parsing, validation) in front of them, so under overload the requests that are
 * accepted keep their latency. Health, metrics and metadata are never limited. Refusals are counted
 * in {@code scorer_admission_rejected_total}, requests admitted in a burst in {@code
 * scorer_admission_burst_total}.
 */
@ApplicationScoped
public class AdmissionLimit {

  private static final String BUSY = "{\"error\":\"too many requests in progress; retry shortly\"}";

  private final Admission admission;
  private final Counter rejected;
  private final Counter burst;

  public AdmissionLimit(HttpSettings config, MeterRegistry registry) {
    HttpSettings http = config;
    this.admission =
        new Admission(
            "scorer.http",
            http.maxInflight(),
            http.burstInflight().orElse(4 * http.maxInflight()),
            http.burstGrace(),
            Ticker.system());
    this.rejected =
        Counter.builder("scorer.admission.rejected")
            .description("Scoring requests refused with 429 at the door: too many in progress")
            .tag("door", "rest")
            .register(registry);
    this.burst =
        Counter.builder("scorer.admission.burst")
            .description(
                "Scoring requests admitted above scorer.http.max-inflight, within a burst's grace")
            .tag("door", "rest")
            .register(registry);
    Gauge.builder("scorer.admission.inflight", admission, Admission::inflight)
        .description("Scoring requests in progress on the door")
        .tag("door", "rest")
        .register(registry);
  }

  void install(@Observes Router router) {
    router.route().order(-100).handler(this::limit);
  }

  void limit(RoutingContext rc) {
    String path = rc.normalizedPath();
    if (!(path.startsWith("/v1/") || path.endsWith("/infer") || path.endsWith("/infer/"))) {
      rc.next();
      return;
    }
    switch (admission.tryEnter()) {
      case REFUSED -> {
        rejected.increment();
        rc.response()
            .setStatusCode(429)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader("Retry-After", "1")
            .end(BUSY);
        return;
      }
      case ADMITTED_IN_BURST -> burst.increment();
      case ADMITTED -> {}
    }
    rc.addEndHandler(done -> admission.exit());
    rc.next();
  }
}
