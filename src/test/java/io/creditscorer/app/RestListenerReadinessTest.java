package io.creditscorer.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;
import io.vertx.core.http.HttpServerOptions;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

class RestListenerReadinessTest {

  @Test
  void isDownUntilTheRestPortListens() {
    RestListenerReadiness readiness = new RestListenerReadiness();
    assertEquals(Status.DOWN, readiness.call().getStatus());
    readiness.onHttp(new HttpServerStart(new HttpServerOptions()));
    assertEquals(Status.UP, readiness.call().getStatus());
  }

  @Test
  void anHttpsOnlyServiceIsReadyOnceItsTlsPortListens() {
    RestListenerReadiness readiness = new RestListenerReadiness();
    readiness.onHttps(new HttpsServerStart(new HttpServerOptions()));
    assertEquals(Status.UP, readiness.call().getStatus());
  }
}
