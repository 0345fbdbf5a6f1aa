package io.creditscorer.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Locale;

/**
 * The configured sampler, counting its decisions as {@code scorer_tracing_spans_total}: {@code
 * decision="dropped"} for spans it did not record, {@code decision="recorded"} for the others, so
 * an operator can tell a quiet trace backend from a sampler that drops everything.
 */
public final class CountedSampler implements Sampler {

  public static final String METER = "scorer.tracing.spans";

  private final Sampler delegate;
  private final Counter dropped;
  private final Counter recorded;

  public CountedSampler(Sampler delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.dropped = counter(registry, "dropped");
    this.recorded = counter(registry, "recorded");
  }

  /**
   * One of the OpenTelemetry SDK's named samplers ({@code otel.traces.sampler}), with its ratio
   * where it takes one.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Sampler named(String name, double ratio) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "always_on" -> Sampler.alwaysOn();
      case "always_off" -> Sampler.alwaysOff();
      case "traceidratio" -> Sampler.traceIdRatioBased(ratio);
      case "parentbased_always_on" -> Sampler.parentBased(Sampler.alwaysOn());
      case "parentbased_always_off" -> Sampler.parentBased(Sampler.alwaysOff());
      case "parentbased_traceidratio" -> Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
      default -> throw new IllegalArgumentException("unknown trace sampler: " + name);
    };
  }

  @Override
  public SamplingResult shouldSample(
      Context parent,
      String traceId,
      String name,
      SpanKind kind,
      Attributes attributes,
      List<LinkData> links) {
    SamplingResult result = delegate.shouldSample(parent, traceId, name, kind, attributes, links);
    (result.getDecision() == SamplingDecision.DROP ? dropped : recorded).increment();
    return result;
  }

  @Override
  public String getDescription() {
    return "Counted{" + delegate.getDescription() + "}";
  }

  private static Counter counter(MeterRegistry registry, String decision) {
    return Counter.builder(METER)
        .description("Spans the trace sampler was asked about, by its decision")
        .tag("decision", decision)
        .register(registry);
  }
}
