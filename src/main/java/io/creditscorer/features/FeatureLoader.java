package io.creditscorer.features;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Bulk-loads a snapshot file (JSON lines or CSV, see {@link FeatureSnapshot}) into Redis in the
 * layout {@link RedisFeatureSource} reads: {@code SET <prefix><applicant_id> <fields as JSON>}, in
 * {@code MSET} batches with several batches in flight. Existing keys are overwritten; other keys
 * are left alone. Not thread-safe: one load at a time per instance.
 */
public final class FeatureLoader {

  /** What a load did. */
  public record Summary(long applicants, long batches, double seconds) {
    public double perSecond() {
      return seconds > 0 ? applicants / seconds : applicants;
    }
  }

  private static final int IN_FLIGHT = 8;

  private final Redis redis;
  private final String prefix;
  private final int batchSize;

  public FeatureLoader(Redis redis, String prefix, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1");
    }
    this.redis = redis;
    this.prefix = prefix;
    this.batchSize = batchSize;
  }

  /**
   * Loads {@code file}; {@code progress} receives a line about every tenth of the file.
   *
   * @throws IOException for a malformed file (naming file and line) or a Redis failure
   */
  public Summary load(Path file, Consumer<String> progress) throws IOException {
    long start = System.nanoTime();
    long total = FeatureSnapshot.read(file).size(); // validates the whole file before writing
    List<Future<?>> inFlight = new ArrayList<>();
    inFlight.add(redis.send(Request.cmd(Command.PING)));
    IOException unreachable = await(inFlight, 0);
    if (unreachable != null) {
      throw unreachable;
    }
    long[] loaded = {0};
    long[] batches = {0};
    long step = Math.max(1, total / 10);
    Request[] mset = {Request.cmd(Command.MSET)};
    int[] inBatch = {0};
    IOException[] failure = {null};
    FeatureSnapshot.forEach(
        file,
        (id, fields) -> {
          if (failure[0] != null) {
            return;
          }
          mset[0].arg(prefix + id).arg(FeatureSnapshot.toJson(fields));
          if (++inBatch[0] == batchSize) {
            failure[0] = send(mset[0], inFlight);
            batches[0]++;
            mset[0] = Request.cmd(Command.MSET);
            inBatch[0] = 0;
          }
          loaded[0]++;
          if (loaded[0] % step == 0 || loaded[0] == total) {
            progress.accept(
                String.format(
                    "  %,d / %,d applicants sent (%d%%)",
                    loaded[0], total, 100 * loaded[0] / total));
          }
        });
    if (failure[0] == null && inBatch[0] > 0) {
      failure[0] = send(mset[0], inFlight);
      batches[0]++;
    }
    if (failure[0] == null) {
      failure[0] = await(inFlight, 0);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return new Summary(loaded[0], batches[0], (System.nanoTime() - start) / 1e9);
  }

  private IOException send(Request request, List<Future<?>> inFlight) {
    inFlight.add(redis.send(request));
    return inFlight.size() >= IN_FLIGHT ? await(inFlight, IN_FLIGHT / 2) : null;
  }

  /** Waits until at most {@code keep} writes are in flight; returns the first failure. */
  private static IOException await(List<Future<?>> inFlight, int keep) {
    while (inFlight.size() > keep) {
      try {
        inFlight.remove(0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new IOException("Redis write failed: " + cause.getMessage(), cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IOException("interrupted while writing to Redis", e);
      }
    }
    return null;
  }
}
