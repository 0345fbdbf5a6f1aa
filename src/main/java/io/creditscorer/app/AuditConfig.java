package io.creditscorer.app;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** {@code scorer.audit.*}: the audit trail: one JSON record per decision. */
public interface AuditConfig {
  /**
   * {@code file}: a size-rotated file of its own at {@code path}; {@code redis-stream}: a Redis
   * Stream shared by every replica; {@code stdout}: JSON lines on standard output, for the
   * cluster's log pipeline.
   */
  @WithDefault("file")
  AuditSinkType sink();

  /** The Redis Stream, for {@code sink=redis-stream}. */
  AuditRedis redis();

  /** The kinds of audit sink. */
  enum AuditSinkType {
    FILE,
    REDIS_STREAM,
    STDOUT
  }

  /** The audit stream in Redis. */
  interface AuditRedis {
    /** Default: {@code scorer.feedback.redis.url}. */
    Optional<String> url();

    /** The stream's key. */
    @WithDefault("credit-scorer:audit")
    String stream();

    /**
     * Trims the stream to about this many records (XADD MAXLEN ~); unset, it is never trimmed and a
     * consumer must archive and trim it.
     */
    OptionalLong maxLength();
  }

  /** The audit log; point it at a volume in production. */
  @WithDefault("target/audit/decisions.log")
  Path path();

  /** Once the file would pass this size it is renamed {@code path.1} and a new one started. */
  @WithDefault("100M")
  MemorySize maxFileSize();

  /** Rotated files kept ({@code path.1} the newest); the oldest beyond them is deleted. */
  @WithDefault("10")
  int maxBackups();

  /** Decisions that may wait for the writer; then a decision waits up to {@code max-wait}. */
  @WithDefault("65536")
  int queueCapacity();

  /** How often the writer writes what is queued, as one block. */
  @WithDefault("10ms")
  Duration interval();

  /** How long a decision waits for room in a full queue before its request fails (503). */
  @WithDefault("1s")
  Duration maxWait();

  /**
   * The secret of the audit fingerprint (HMAC-SHA256, at least 32 bytes; from a Secret). Without it
   * each start draws a random key, and fingerprints cannot be compared across restarts.
   */
  Optional<String> hmacKey();

  /** Written beside each fingerprint: change it with the key, so old records stay attributable. */
  @WithDefault("1")
  String hmacKeyId();
}
