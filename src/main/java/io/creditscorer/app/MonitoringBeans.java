package io.creditscorer.app;

import io.creditscorer.base.BackgroundLoop;
import io.creditscorer.journal.RotatingFile;
import io.creditscorer.monitoring.CountedSampler;
import io.creditscorer.monitoring.DriftMonitor;
import io.creditscorer.monitoring.LogAuditSink;
import io.creditscorer.monitoring.OtelTracing;
import io.creditscorer.monitoring.RedisStreamOut;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.spi.DecisionListener;
import io.creditscorer.spi.RequestTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What watches the engine: its meters, the audit log ({@code scorer.audit.*}) and the drift windows
 * ({@code scorer.drift.*}), each with the background thread it owns, stopped when the application
 * stops.
 */
@Singleton
public class MonitoringBeans {

  /** How often the drift monitor folds queued observations into its windows. */
  private static final Duration DRIFT_PERIOD = Duration.ofMillis(10);

  /** The drift listener and the loop that feeds its windows ({@code null} when drift is off). */
  record Drift(DecisionListener listener, BackgroundLoop loop) {}

  @Produces
  @Singleton
  ScoringMetrics metrics(MeterRegistry registry, RequestTracing tracing) {
    return new ScoringMetrics(registry, Clock.systemUTC(), tracing);
  }

  /**
   * Request tracing with OpenTelemetry ({@code quarkus.otel.*}); while the SDK is disabled (no
   * endpoint configured) its tracer records nothing and every call returns at once.
   */
  @Produces
  @Singleton
  RequestTracing tracing(Tracer tracer) {
    return new OtelTracing(tracer, Clock.systemUTC());
  }

  /**
   * The sampler of {@code quarkus.otel.traces.sampler} and its {@code .arg}, counting what it drops
   * (Quarkus takes a sampler bean in place of the one it would make from the same keys).
   */
  @Produces
  @Singleton
  Sampler sampler(
      MeterRegistry registry,
      @ConfigProperty(name = "quarkus.otel.traces.sampler") String sampler,
      @ConfigProperty(name = "quarkus.otel.traces.sampler.arg", defaultValue = "1.0")
          double ratio) {
    return new CountedSampler(CountedSampler.named(sampler, ratio), registry);
  }

  /** The audit trail, to the configured sink ({@code scorer.audit.sink}). */
  @Produces
  @Singleton
  LogAuditSink auditLog(ScorerConfig config, MeterRegistry registry, Vertx vertx) {
    AuditConfig audit = config.audit();
    return switch (audit.sink()) {
      case FILE -> {
        RotatingFile file =
            RotatingFile.open(
                audit.path(),
                audit.maxFileSize().asLongValue(),
                audit.maxBackups(),
                "the audit log (scorer.audit.path)");
        yield start(audit, file::write, file, registry);
      }
      case REDIS_STREAM -> {
        String url =
            audit
                .redis()
                .url()
                .or(() -> config.feedback().redis().url())
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "scorer.audit.sink=redis-stream needs scorer.audit.redis.url (or"
                                + " scorer.feedback.redis.url)"));
        RedisStreamOut stream =
            new RedisStreamOut(
                vertx,
                url,
                audit.redis().stream(),
                audit.redis().maxLength(),
                config.feedback().redis().timeout());
        yield start(audit, stream, stream, registry);
      }
      case STDOUT -> start(audit, LogAuditSink.standardOutput(), null, registry);
    };
  }

  private static LogAuditSink start(
      AuditConfig audit, LogAuditSink.Out out, AutoCloseable closeable, MeterRegistry registry) {
    return LogAuditSink.start(
        Clock.systemUTC(),
        out,
        closeable,
        audit.queueCapacity(),
        audit.interval(),
        audit.maxWait(),
        registry);
  }

  /** Writes what is queued, then closes the file. */
  void closeAuditLog(@Disposes LogAuditSink auditLog) {
    auditLog.close();
  }

  @Produces
  @Singleton
  Drift drift(ScorerConfig config, MeterRegistry registry) {
    ScorerConfig.Drift drift = config.drift();
    if (!drift.enabled()) {
      return new Drift(DecisionListener.none(), null);
    }
    DriftMonitor monitor = new DriftMonitor(drift.windowRows(), drift.queueCapacity(), registry);
    return new Drift(monitor, monitor.start(DRIFT_PERIOD));
  }

  void closeDrift(@Disposes Drift drift) {
    if (drift.loop() != null) {
      drift.loop().close();
    }
  }
}
