package io.creditscorer.batching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The meters of one model version's batcher, registered together and removed together when the
 * version is retired. Fixed buckets, so a percentile can be aggregated across pods.
 */
final class BatcherMeters implements AutoCloseable {

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(10_000),
    Duration.ofNanos(25_000),
    Duration.ofNanos(50_000),
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1)
  };
  private static final double[] ROW_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>(); // guarded by itself
  private final Tags tags;
  private final ConcurrentHashMap<Integer, Timer> byBatchSize = new ConcurrentHashMap<>();
  private final DistributionSummary batchRows;
  private final Timer queueWait;
  private final Timer inferenceTime;
  private final Counter rejected;
  private final Counter expired;
  private final IntSupplier queued; // gauges hold their object weakly: this keeps it

  BatcherMeters(MeterRegistry registry, Tags tags, BatchSettings settings, IntSupplier queued) {
    this.registry = registry;
    this.queued = queued;
    this.tags = tags;
    this.batchRows =
        register(
            DistributionSummary.builder("scorer.batch.rows")
                .description("Rows per inference call")
                .tags(tags)
                .serviceLevelObjectives(ROW_BUCKETS)
                .register(registry));
    this.queueWait = register(timer("scorer.queue.wait", "Time requests wait in the queue", tags));
    this.inferenceTime = register(timer("scorer.inference", "Time of one inference call", tags));
    this.rejected =
        register(
            Counter.builder("scorer.queue.rejected")
                .description("Requests refused because the queue was full")
                .tags(tags)
                .register(registry));
    this.expired =
        register(
            Counter.builder("scorer.queue.expired")
                .description("Requests dropped unrun because their deadline passed in the queue")
                .tags(tags)
                .register(registry));
    register(
        Gauge.builder("scorer.queue.capacity", settings, BatchSettings::queueCapacity)
            .description("Requests the queue holds before refusing")
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder("scorer.queue.depth", queued, IntSupplier::getAsInt)
            .description("Requests waiting for a dispatch worker")
            .tags(tags)
            .register(registry));
  }

  private <M extends Meter> M register(M meter) {
    synchronized (meters) {
      meters.add(meter);
    }
    return meter;
  }

  /**
   * The time of runs of {@code rows} rows (Triton's batch statistics): count and sum only, no
   * buckets, as there may be a series per batch size up to {@code scorer.batching.max-batch-rows}.
   */
  Timer batchTime(int rows) {
    return byBatchSize.computeIfAbsent(
        rows,
        r ->
            register(
                Timer.builder("scorer.batch.inference")
                    .description("Time of inference runs, by rows per run")
                    .tags(tags)
                    .tag("batch_size", Integer.toString(r))
                    .register(registry)));
  }

  private Timer timer(String name, String description, Tags tags) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  DistributionSummary batchRows() {
    return batchRows;
  }

  Timer queueWait() {
    return queueWait;
  }

  Timer inferenceTime() {
    return inferenceTime;
  }

  Counter rejected() {
    return rejected;
  }

  Counter expired() {
    return expired;
  }

  @Override
  public void close() {
    synchronized (meters) {
      meters.forEach(registry::remove);
    }
  }
}
