package io.creditscorer.api.rest;

import io.creditscorer.api.CountedAdmission;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Admission at the door: scoring requests in progress are bounded by {@link CountedAdmission}
 * ({@code scorer.http.max-inflight}, with a burst allowance); a refused request is answered 429 at
 * once, before its body is parsed. The model queues bound the work waiting for inference; this
 * bounds the work (JSON parsing, validation) in front of them, so under overload the requests that
 * are accepted keep their latency. Health, metrics and metadata are never limited. Refusals are
 * counted in {@code scorer_admission_rejected_total}, requests admitted in a burst in {@code
 * scorer_admission_burst_total}.
 */
@ApplicationScoped
public class AdmissionLimit {

  private static final String BUSY = "{\"error\":\"too many requests in progress; retry shortly\"}";

  private final CountedAdmission admission;

  public AdmissionLimit(HttpSettings http, MeterRegistry registry) {
    this.admission =
        new CountedAdmission(
            "rest",
            "scorer.http",
            http.maxInflight(),
            http.burstInflight(),
            http.burstGrace(),
            registry);
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
    if (!admission.tryEnter()) {
      rc.response()
          .setStatusCode(429)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader("Retry-After", "1")
          .end(BUSY);
      return;
    }
    rc.addEndHandler(done -> admission.exit());
    rc.next();
  }
}
