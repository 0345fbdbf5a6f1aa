package io.creditscorer.api.rest;

import io.creditscorer.security.AuthSettings;
import io.creditscorer.security.FailedAuthentications;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * The REST door's side of {@link FailedAuthentications}, installed only while authentication is on:
 * a request that presented credentials and was answered 401 counts against its client address, and
 * an address over the limit is answered 429 with {@code Retry-After} before its credentials are
 * looked at. The address is Vert.x's remote address, which Quarkus replaces by the forwarded one
 * only for requests from {@code quarkus.http.proxy.trusted-proxies}.
 */
@ApplicationScoped
public class FailedAuthenticationGate {

  private static final String REFUSED =
      "{\"error\":\"too many failed authentications from this address; retry later\"}";

  private final FailedAuthentications failures;
  private final boolean enabled;

  public FailedAuthenticationGate(FailedAuthentications failures, AuthSettings auth) {
    this.failures = failures;
    this.enabled = auth.enabled();
  }

  void install(@Observes Router router) {
    if (enabled) {
      // Before Quarkus' authentication (-200) and authorization (-100) handlers.
      router.route().order(-300).handler(this::gate);
    }
  }

  void gate(RoutingContext rc) {
    SocketAddress peer = rc.request().remoteAddress();
    String address = peer == null ? null : peer.hostAddress();
    if (address == null) {
      rc.next();
      return;
    }
    Duration refused = failures.refusedFor(address);
    if (!refused.isZero()) {
      rc.response()
          .setStatusCode(429)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.RETRY_AFTER, Long.toString((refused.toMillis() + 999) / 1000))
          .end(REFUSED);
      return;
    }
    if (rc.request().headers().contains(HttpHeaders.AUTHORIZATION)) {
      rc.addHeadersEndHandler(
          done -> {
            if (rc.response().getStatusCode() == 401) {
              failures.failed(address);
            }
          });
    }
    rc.next();
  }
}
