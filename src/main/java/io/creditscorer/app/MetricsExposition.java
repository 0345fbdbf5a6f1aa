package io.creditscorer.app;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Serves Prometheus the OpenMetrics exposition it asks for, with the latency histograms' trace-id
 * exemplars, in a form it accepts. Two things stand in the way with Quarkus' own endpoint:
 *
 * <ul>
 *   <li>Prometheus sends {@code Accept: application/openmetrics-text;version=1.0.0,...,text/plain;
 *       version=0.0.4;q=0.5,...}, and the endpoint answers the plain text format (which carries no
 *       exemplars) whenever the header names {@code text/plain} at all, whatever its weight;
 *   <li>asked for OpenMetrics, the registry also writes exemplars on histograms' {@code _count}
 *       lines, which OpenMetrics allows only on {@code _bucket} and {@code _total}: Prometheus then
 *       refuses the whole scrape ("metric name ..._count does not support exemplars").
 * </ul>
 *
 * <p>So a scrape that names OpenMetrics is answered here, from the same registry, with exemplars
 * kept only where they are allowed; any other goes on to Quarkus' endpoint.
 */
@Singleton
public class MetricsExposition {

  static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  public MetricsExposition(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  void route(@Observes ManagementInterface management) {
    management.router().get("/q/metrics").order(Integer.MIN_VALUE).handler(this::scrape);
  }

  private void scrape(RoutingContext rc) {
    String accept = rc.request().getHeader("Accept");
    if (accept == null || !accept.contains("application/openmetrics-text")) {
      rc.next();
      return;
    }
    rc.vertx()
        .<String>executeBlocking(() -> exemplarsWhereAllowed(registry.scrape(OPEN_METRICS)), false)
        .onSuccess(body -> rc.response().putHeader("Content-Type", OPEN_METRICS).end(body))
        .onFailure(rc::fail);
  }

  /**
   * The exposition without the exemplars of lines other than {@code _bucket} and {@code _total}.
   */
  static String exemplarsWhereAllowed(String exposition) {
    StringBuilder out = new StringBuilder(exposition.length());
    exposition
        .lines()
        .forEach(
            line -> {
              int exemplar = line.indexOf(" # {");
              if (exemplar > 0 && !line.startsWith("#")) {
                int nameEnd = line.indexOf('{');
                String name =
                    line.substring(0, nameEnd < 0 || nameEnd > exemplar ? exemplar : nameEnd);
                if (!name.endsWith("_bucket") && !name.endsWith("_total")) {
                  line = line.substring(0, exemplar);
                }
              }
              out.append(line).append('\n');
            });
    return out.toString();
  }
}
