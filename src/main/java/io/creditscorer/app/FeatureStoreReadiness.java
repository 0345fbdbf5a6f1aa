package io.creditscorer.app;

import io.creditscorer.features.FeatureStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the feature store. Always UP: when the store is down the service is degraded, not dead —
 * applicants sent with every field still score, so taking the pod out of the load balancer would
 * refuse more than it saves. The state ({@code ok} or {@code degraded}) is in the data and in
 * {@code scorer_feature_store_healthy}.
 */
@Readiness
@ApplicationScoped
public class FeatureStoreReadiness implements HealthCheck {

  private final FeatureStore store;

  public FeatureStoreReadiness(FeatureStore store) {
    this.store = store;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("feature-store")
        .up()
        .withData("store", store.describe())
        .withData("state", store.healthy() ? "ok" : "degraded")
        .build();
  }
}
