package io.creditscorer.batching;

import io.creditscorer.repository.ModelDescriptor;

/**
 * How one model version is batched.
 *
 * @param enabled when false every request runs alone (still behind the bounded queue)
 * @param maxBatchRows most rows in one inference call (a single larger request runs alone)
 * @param maxDelayMicros how long a forming batch may wait for more rows, counted from its oldest
 *     row; only while another batch of the model is running (an idle model runs at once)
 * @param workers dispatch workers, i.e. concurrent inference calls, for this version
 * @param queueCapacity requests that may wait; when full, new ones are refused at once
 * @param callerRuns a request of at most {@code maxBatchRows} rows runs on the thread that
 *     submitted it, sparing the two thread hand-offs: from an event loop at once or in that loop's
 *     batch, from another thread only when the model is idle (nothing running, nothing queued); see
 *     {@link MicroBatcher}
 */
public record BatchSettings(
    boolean enabled,
    int maxBatchRows,
    long maxDelayMicros,
    int workers,
    int queueCapacity,
    boolean callerRuns) {

  /** Settings whose requests always run on a dispatch worker. */
  public BatchSettings(
      boolean enabled, int maxBatchRows, long maxDelayMicros, int workers, int queueCapacity) {
    this(enabled, maxBatchRows, maxDelayMicros, workers, queueCapacity, false);
  }

  public BatchSettings {
    if (maxBatchRows < 1 || maxDelayMicros < 0 || workers < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException(
          "batching needs max-batch-rows >= 1, max-delay-micros >= 0, workers >= 1 and"
              + " queue-capacity >= 1; got "
              + this);
    }
  }

  /** These settings with what a version's descriptor overrides. */
  public BatchSettings with(ModelDescriptor.Batching override) {
    if (override == null) {
      return this;
    }
    return new BatchSettings(
        override.enabled() != null ? override.enabled() : enabled,
        override.maxBatchRows() != null ? override.maxBatchRows() : maxBatchRows,
        override.maxDelayMicros() != null ? override.maxDelayMicros() : maxDelayMicros,
        override.workers() != null ? override.workers() : workers,
        override.queueCapacity() != null ? override.queueCapacity() : queueCapacity,
        callerRuns);
  }
}
