package io.creditscorer.app;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code scorer.feedback.*}: outcome feedback, the decision store and realised performance per
 * model version.
 */
public interface FeedbackConfig {
  Store store();

  /** The shared decision store, for {@code store.type=redis}. */
  FeedbackRedis redis();

  /**
   * Decisions that may wait to be written (the feedback thread writes every 10 ms); when it is
   * full, credit requests are refused with 503 rather than answered unrecorded.
   */
  @WithDefault("16384")
  int queueCapacity();

  /** Most outcomes in one report. */
  @WithDefault("10000")
  int maxOutcomesPerRequest();

  /** The window per model version holds at most this many outcomes, the latest observed. */
  @WithDefault("5000")
  int windowOutcomes();

  /** Outcomes observed longer ago than this leave the window. */
  @WithDefault("90d")
  Duration windowDuration();

  /** Equal-width bands of predicted probability of default for calibration. */
  @WithDefault("10")
  int calibrationBands();

  /** How often realised performance is recomputed (on the feedback thread). */
  @WithDefault("5s")
  Duration refreshInterval();

  /** The kinds of decision store. */
  enum StoreType {
    file,
    redis
  }

  /** The Redis decision store. */
  interface FeedbackRedis {
    /** e.g. {@code redis://:password@redis:6379/0}; required for {@code store.type=redis}. */
    Optional<String> url();

    /** Prepended to every key of the store. */
    @WithDefault("credit-scorer:decisions:")
    String keyPrefix();

    /** How long a call waits for Redis before it counts as down (outcomes then get 503). */
    @WithDefault("2s")
    Duration timeout();
  }

  /**
   * The credit model's stable version, against which others (canaries) are compared; default: the
   * version that answers requests naming none.
   */
  Optional<String> stableVersion();

  /** Where decisions are kept, and their bounds (which bound either kind of store). */
  interface Store {
    /**
     * {@code file}: embedded, append-only segments in {@code path}, replayed at start-up (one
     * replica); {@code redis}: shared by every replica, at {@code scorer.feedback.redis.url}.
     */
    @WithDefault("file")
    StoreType type();

    /** Directory of the segments decisions-*.jsonl; relative to the working directory. */
    @WithDefault("target/feedback")
    Path path();

    /** Most decisions kept; the oldest are evicted first. */
    @WithDefault("100000")
    int maxEntries();

    /** Decisions older than this are evicted. */
    @WithDefault("400d")
    Duration retention();
  }
}
