package io.creditscorer.app;

import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the REST port listens. The management interface, where the probes ask, opens first,
 * and Quarkus opens the REST port only after start-up; the models load on their own thread and can
 * be warm before that, so without this check a pod could be ready while its REST port still refuses
 * connections.
 */
@Readiness
@ApplicationScoped
public class RestListenerReadiness implements HealthCheck {

  private volatile boolean listening;

  void onHttp(@ObservesAsync HttpServerStart started) {
    listening = true;
  }

  void onHttps(@ObservesAsync HttpsServerStart started) {
    listening = true;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("rest").status(listening).build();
  }
}
