package io.creditscorer.monitoring;

import io.creditscorer.spi.RequestTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Request tracing with OpenTelemetry. Stage spans are children of the request's server span, made
 * after the stage with its measured start and end, so a request that is not sampled costs one look
 * at the current span. A batched inference run is one span of its own: a child of the first
 * recorded request in the batch, linked to every recorded request's span, each of which also gets a
 * {@code queue_wait} child up to the run's start.
 *
 * <p>Attributes name the model and its version, and the batch's size; never an applicant field, id
 * or group.
 */
public final class OtelTracing implements RequestTracing {

  public static final AttributeKey<String> MODEL = AttributeKey.stringKey("scorer.model.name");
  public static final AttributeKey<String> VERSION = AttributeKey.stringKey("scorer.model.version");
  public static final AttributeKey<Long> BATCH_ROWS = AttributeKey.longKey("scorer.batch.rows");
  public static final AttributeKey<Long> BATCH_REQUESTS =
      AttributeKey.longKey("scorer.batch.requests");

  /** Span names. */
  public static final String INFERENCE = "inference";

  public static final String QUEUE_WAIT = "queue_wait";

  private final Tracer tracer;
  private final Clock clock;

  /**
   * @param clock dates the spans (their durations are measured on the caller's ticker)
   */
  public OtelTracing(Tracer tracer, Clock clock) {
    this.tracer = tracer;
    this.clock = clock;
  }

  @Override
  public Object current() {
    Context context = Context.current();
    return Span.fromContext(context).isRecording() ? context : null;
  }

  @Override
  public void stage(String stage, String model, String version, long nanos) {
    Context context = Context.current();
    if (!Span.fromContext(context).isRecording()) {
      return;
    }
    long end = epochNanos();
    tracer
        .spanBuilder(stage)
        .setParent(context)
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(end - nanos, TimeUnit.NANOSECONDS)
        .setAttribute(MODEL, model)
        .setAttribute(VERSION, version)
        .startSpan()
        .end(end, TimeUnit.NANOSECONDS);
  }

  @Override
  public void batch(
      String model,
      String version,
      List<Object> traces,
      long[] waitNanos,
      long runNanos,
      int rows) {
    Context first = null;
    for (Object t : traces) {
      if (t != null) {
        first = (Context) t;
        break;
      }
    }
    if (first == null) {
      return;
    }
    long end = epochNanos();
    long start = end - runNanos;
    SpanBuilder run =
        tracer
            .spanBuilder(INFERENCE)
            .setParent(first)
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .setAttribute(MODEL, model)
            .setAttribute(VERSION, version)
            .setAttribute(BATCH_ROWS, (long) rows)
            .setAttribute(BATCH_REQUESTS, (long) traces.size());
    for (int i = 0; i < traces.size(); i++) {
      Context request = (Context) traces.get(i);
      if (request == null) {
        continue;
      }
      run.addLink(Span.fromContext(request).getSpanContext());
      tracer
          .spanBuilder(QUEUE_WAIT)
          .setParent(request)
          .setSpanKind(SpanKind.INTERNAL)
          .setStartTimestamp(start - waitNanos[i], TimeUnit.NANOSECONDS)
          .setAttribute(MODEL, model)
          .setAttribute(VERSION, version)
          .startSpan()
          .end(start, TimeUnit.NANOSECONDS);
    }
    run.startSpan().end(end, TimeUnit.NANOSECONDS);
  }

  private long epochNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
