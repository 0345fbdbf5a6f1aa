package io.creditscorer.spi;

import java.util.List;

/**
 * Traces of scoring requests: a span per stage of a request and one per inference run, for the
 * tracing backend. Every method returns at once when tracing is off or the calling request is not
 * sampled, so the engine calls them unconditionally.
 */
public interface RequestTracing {

  /**
   * The calling request's trace, to carry into a batch; {@code null} when it is not recorded.
   * Opaque to the caller.
   */
  Object current();

  /** A finished stage of the calling request (see the {@code STAGE_} constants of the observer). */
  void stage(String stage, String model, String version, long nanos);

  /**
   * A finished inference run of {@code rows} rows, lasting {@code runNanos} and ending now, for the
   * requests whose {@link #current} traces are given ({@code null} ones are not recorded), each
   * having waited {@code waitNanos[i]} in the queue before the run.
   */
  void batch(
      String model, String version, List<Object> traces, long[] waitNanos, long runNanos, int rows);

  /** No tracing. */
  RequestTracing NONE =
      new RequestTracing() {
        @Override
        public Object current() {
          return null;
        }

        @Override
        public void stage(String stage, String model, String version, long nanos) {}

        @Override
        public void batch(
            String model,
            String version,
            List<Object> traces,
            long[] waitNanos,
            long runNanos,
            int rows) {}
      };
}
