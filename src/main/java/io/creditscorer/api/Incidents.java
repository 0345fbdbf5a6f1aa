package io.creditscorer.api;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A failure the caller cannot fix (a bug, a library's error) gets an incident id: the answer says
 * only a stable code and that id, never a library's message; the log line carries the id with the
 * whole failure, so an operator can find it. Under a flood of such failures the stack trace is
 * logged for the first {@value #TRACES_PER_MINUTE} in a minute and one line for each after.
 * Thread-safe.
 */
public final class Incidents {

  /** The stable code of every such answer. */
  public static final String CODE = "INTERNAL";

  static final int TRACES_PER_MINUTE = 10;

  private static final Logger LOG = Logger.getLogger(Incidents.class);
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final AtomicLong windowStart = new AtomicLong(System.nanoTime());
  private static final AtomicInteger tracesInWindow = new AtomicInteger();

  private Incidents() {}

  /**
   * Logs {@code failure} under an incident id and returns the id: the request's trace id while it
   * is traced (so the answer, the log line and the trace share it), else a new random one.
   */
  public static String report(String what, Throwable failure) {
    SpanContext trace = Span.current().getSpanContext();
    String id = trace.isValid() ? trace.getTraceId() : UUID.randomUUID().toString();
    long now = System.nanoTime();
    long start = windowStart.get();
    if (now - start > MINUTE && windowStart.compareAndSet(start, now)) {
      tracesInWindow.set(0);
    }
    if (tracesInWindow.incrementAndGet() <= TRACES_PER_MINUTE) {
      LOG.errorf(failure, "%s (incident %s)", what, id);
    } else {
      LOG.errorf("%s (incident %s): %s", what, id, failure.getClass().getName());
    }
    return id;
  }

  /** What the caller is told. */
  public static String answer(String id) {
    return "internal error (incident " + id + "); the operator can find it in the service's log";
  }
}
