package io.creditscorer.app;

import io.creditscorer.control.ApiKeys;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.routing.Router;
import io.creditscorer.routing.RoutingPolicy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Canary, shadow and fallback routing ({@code scorer.routing.*}) and the control API's keys. */
@Singleton
public class RoutingBeans {

  @Produces
  @Singleton
  Router router(ScorerConfig config, ScoringMetrics metrics) {
    Map<String, RoutingPolicy> policies = new HashMap<>();
    config
        .routing()
        .forEach(
            (model, r) -> {
              try {
                policies.put(
                    model,
                    new RoutingPolicy(
                        r.stable().orElse(null),
                        r.canary().orElse(null),
                        r.canaryPercent(),
                        r.shadow().orElse(null),
                        r.shadowPercent(),
                        r.fallback().orElse(null)));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    "scorer.routing.\"" + model + "\": " + e.getMessage(), e);
              }
            });
    return new Router(policies, metrics::fallbackConfigured);
  }

  @Produces
  @Singleton
  ApiKeys controlKeys(ScorerConfig config) {
    return new ApiKeys(
        config.control().adminKeys().orElse(List.of()),
        config.control().viewerKeys().orElse(List.of()));
  }
}
