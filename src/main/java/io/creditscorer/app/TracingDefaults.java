package io.creditscorer.app;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.List;

/**
 * Keeps the OpenTelemetry SDK off unless an OTLP endpoint is configured: {@code
 * quarkus.otel.sdk.disabled} not set anywhere reads {@code false} only when {@code
 * quarkus.otel.exporter.otlp.traces.endpoint} or {@code quarkus.otel.exporter.otlp.endpoint} is.
 * Quarkus' own default would export to localhost:4317, where nothing listens in a pod without a
 * collector sidecar, and trace every request meanwhile.
 */
@Priority(Priorities.APPLICATION + 100)
public class TracingDefaults implements ConfigSourceInterceptor {

  static final String DISABLED = "quarkus.otel.sdk.disabled";
  static final List<String> ENDPOINTS =
      List.of("quarkus.otel.exporter.otlp.traces.endpoint", "quarkus.otel.exporter.otlp.endpoint");

  /** Sources at or below this ordinal hold defaults (the extensions' and the build's). */
  private static final int DEFAULTS = Integer.MIN_VALUE + 100;

  @Override
  public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
    ConfigValue value = context.proceed(name);
    if (!DISABLED.equals(name) || configured(value)) {
      return value;
    }
    boolean endpoint = ENDPOINTS.stream().anyMatch(e -> configured(context.proceed(e)));
    return ConfigValue.builder()
        .withName(name)
        .withValue(Boolean.toString(!endpoint))
        .withConfigSourceName(TracingDefaults.class.getSimpleName())
        .withConfigSourceOrdinal(DEFAULTS)
        .build();
  }

  private static boolean configured(ConfigValue v) {
    return v != null
        && v.getConfigSourceOrdinal() > DEFAULTS
        && v.getValue() != null
        && !v.getValue().isBlank();
  }
}
