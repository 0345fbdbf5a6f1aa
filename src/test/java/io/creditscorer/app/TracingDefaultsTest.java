package io.creditscorer.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenTelemetry SDK is off unless an OTLP endpoint is configured, or it is set either way. */
class TracingDefaultsTest {

  static boolean disabled(Map<String, String> configured) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withInterceptors(new TracingDefaults())
            .withSources(new PropertiesConfigSource(configured, "test", 300))
            // as an extension's default would be
            .withSources(
                new PropertiesConfigSource(
                    Map.of(
                        TracingDefaults.DISABLED,
                        "false",
                        "quarkus.otel.exporter.otlp.traces.endpoint",
                        "http://localhost:4317"),
                    "defaults",
                    Integer.MIN_VALUE))
            .build();
    return config.getValue(TracingDefaults.DISABLED, Boolean.class);
  }

  @Test
  void offWithoutAnEndpoint() {
    assertEquals(true, disabled(Map.of()));
    assertEquals(true, disabled(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", " ")));
  }

  @Test
  void onWithAnEndpoint() {
    assertEquals(
        false,
        disabled(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4317")));
    assertEquals(false, disabled(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://c:4317")));
  }

  @Test
  void anExplicitSettingWins() {
    assertEquals(false, disabled(Map.of(TracingDefaults.DISABLED, "false")));
    assertEquals(
        true,
        disabled(
            Map.of(
                TracingDefaults.DISABLED,
                "true",
                "quarkus.otel.exporter.otlp.traces.endpoint",
                "http://collector:4317")));
  }
}
