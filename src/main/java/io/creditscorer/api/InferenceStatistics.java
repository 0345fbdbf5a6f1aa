package io.creditscorer.api;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Triton's statistics extension per model version, read from the same meters Prometheus scrapes, so
 * both tell the same counts: {@code scorer_requests_seconds} (success: the calls answered; fail:
 * the others), {@code scorer_queue_wait_seconds} (queue), {@code scorer_inference_seconds} (compute
 * infer, and the execution count), {@code scorer_stage_seconds} of the credit API's {@code encode}
 * and {@code decide} stages (compute input and output; V2 calls have none), {@code scorer_rows}
 * (the inference count: rows), {@code scorer_last_inference_seconds} and {@code
 * scorer_batch_inference_seconds} (per batch size).
 */
public final class InferenceStatistics {

  /** A count and the nanoseconds it took in all. */
  public record Duration(long count, long ns) {
    public static final Duration NONE = new Duration(0, 0);

    Duration plus(Timer t) {
      return new Duration(count + t.count(), ns + (long) t.totalTime(TimeUnit.NANOSECONDS));
    }
  }

  /** The runs of one batch size (rows per run) and their inference time. */
  public record Batch(long batchSize, Duration computeInfer) {}

  /** One version's statistics (Triton's {@code ModelStatistics}). */
  public record Version(
      String name,
      String version,
      long lastInferenceMillis,
      long inferenceCount,
      long executionCount,
      Duration success,
      Duration fail,
      Duration queue,
      Duration computeInput,
      Duration computeInfer,
      Duration computeOutput,
      List<Batch> batches) {}

  private final MeterRegistry registry;

  public InferenceStatistics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The version's statistics since the service started (zeros before its first call). */
  public Version of(String model, String version) {
    Duration success = Duration.NONE;
    Duration fail = Duration.NONE;
    for (Timer t :
        registry.find("scorer.requests").tags("model", model, "version", version).timers()) {
      if ("ok".equals(t.getId().getTag("outcome"))) {
        success = success.plus(t);
      } else {
        fail = fail.plus(t);
      }
    }
    long rows = 0;
    for (DistributionSummary s :
        registry.find("scorer.rows").tags("model", model, "version", version).summaries()) {
      rows += (long) s.totalAmount();
    }
    Duration infer = timed("scorer.inference", model, version, null);
    Gauge last =
        registry.find("scorer.last.inference").tags("model", model, "version", version).gauge();
    return new Version(
        model,
        version,
        last == null ? 0 : (long) (last.value() * 1000),
        rows,
        infer.count(),
        success,
        fail,
        timed("scorer.queue.wait", model, version, null),
        timed("scorer.stage", model, version, "encode"),
        infer,
        timed("scorer.stage", model, version, "decide"),
        batches(model, version));
  }

  private List<Batch> batches(String model, String version) {
    List<Batch> batches = new ArrayList<>();
    for (Timer t :
        registry.find("scorer.batch.inference").tags("model", model, "version", version).timers()) {
      batches.add(new Batch(Long.parseLong(t.getId().getTag("batch_size")), Duration.NONE.plus(t)));
    }
    batches.sort(Comparator.comparingLong(Batch::batchSize));
    return List.copyOf(batches);
  }

  private Duration timed(String name, String model, String version, String stage) {
    var search = registry.find(name).tags("model", model, "version", version);
    if (stage != null) {
      search = search.tag("stage", stage);
    }
    Duration d = Duration.NONE;
    for (Timer t : search.timers()) {
      d = d.plus(t);
    }
    return d;
  }
}
