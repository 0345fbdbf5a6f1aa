package io.creditscorer.app;

import io.creditscorer.inference.SessionSettings;
import io.creditscorer.repository.RepositorySettings.VersionPolicy;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Every {@code scorer.*} setting, with its default. Checked at start-up; each capability's producer
 * in this package reads its own part.
 */
@ConfigMapping(prefix = "scorer")
public interface ScorerConfig {

  Repository repository();

  Onnx onnx();

  Inference inference();

  Batching batching();

  Drift drift();

  /** Drift windows and data-quality counters. */
  interface Drift {
    @WithDefault("true")
    boolean enabled();

    /** Rows in each feature's sliding window. */
    @WithDefault("1000")
    int windowRows();

    /**
     * Scored requests that may wait for the drift thread (it runs every 10 ms); beyond it they are
     * not observed.
     */
    @WithDefault("1024")
    int queueCapacity();
  }

  AuditConfig audit();

  Credit credit();

  Features features();

  Control control();

  /**
   * Routing per model, e.g. {@code scorer.routing."credit-risk".canary=2} and {@code
   * .canary-percent=10}; changeable at run time through the model-control API.
   */
  Map<String, Route> routing();

  /** One model's routing policy; an absent stable version means the latest. */
  interface Route {
    Optional<String> stable();

    Optional<String> canary();

    @WithDefault("0")
    int canaryPercent();

    Optional<String> shadow();

    @WithDefault("0")
    int shadowPercent();

    /** Answers (marked degraded) when the routed version fails or its circuit is open. */
    Optional<String> fallback();
  }

  /** The model-control API (repository extension, routing). */
  interface Control {
    /**
     * Bearer keys that may load, unload and re-route models; at least 16 characters each. None (the
     * default): the control API refuses every call.
     */
    Optional<List<String>> adminKeys();

    /** Bearer keys that may only read the index and routing. */
    Optional<List<String>> viewerKeys();
  }

  /** Where applicants' stored features come from, for requests that give only applicant_id. */
  interface Features {
    /**
     * {@code snapshot}: a file held in memory (embedded default, no external system); {@code
     * redis}: Redis behind an in-process near-cache; {@code none}: every field must be sent.
     */
    @WithDefault("snapshot")
    Store store();

    /** The snapshot file for {@code store=snapshot}: JSON lines or CSV (see docs/OPERATIONS.md). */
    @WithDefault("data/applicants.jsonl")
    Path snapshot();

    Redis redis();

    Cache cache();

    /** Feature store kinds. */
    enum Store {
      snapshot,
      redis,
      none
    }

    /** The Redis store and the fault tolerance around it. */
    interface Redis {
      @WithDefault("redis://127.0.0.1:6379")
      String url();

      /** Key of an applicant: prefix + applicant_id; value: its fields as a JSON object. */
      @WithDefault("applicant:")
      String keyPrefix();

      @WithDefault("8")
      int poolSize();

      /** Longest wait for one read; beyond it the read counts as failed. */
      @WithDefault("100ms")
      Duration timeout();

      /** Reads the circuit breaker looks back on. */
      @WithDefault("20")
      int circuitWindow();

      /** Share of failed reads in that window that opens the circuit. */
      @WithDefault("0.5")
      double circuitFailureRatio();

      /** How long the open circuit fails fast before one trial read. */
      @WithDefault("5s")
      Duration circuitOpenFor();
    }

    /** The in-process near-cache in front of Redis. */
    interface Cache {
      @WithDefault("100000")
      long maxSize();

      /** How long values are served after being read from Redis. */
      @WithDefault("10m")
      Duration ttl();

      /** Age after which a used entry is re-read in the background, while still served. */
      @WithDefault("1m")
      Duration refreshAfter();

      /** How long an id Redis doesn't know is remembered as unknown. */
      @WithDefault("10s")
      Duration absentTtl();
    }
  }

  FeedbackConfig feedback();

  /** Fairness monitoring by group. */
  FairnessConfig fairness();

  /** The model repository. */
  interface Repository {
    /** Directory of {@code <model>/<version>/model.onnx}; relative to the working directory. */
    @WithDefault("models")
    Path path();

    /** {@code all} versions, or the {@code latest} N. */
    @WithDefault("all")
    VersionPolicy versionPolicy();

    /** N for the {@code latest} policy. */
    @WithDefault("1")
    int latest();

    /** Inference runs on each version before it is marked ready. */
    @WithDefault("5")
    int warmupRuns();

    /**
     * How often the repository directory is scanned for new, replaced or removed versions; 0 turns
     * polling off (the model-control API still reloads).
     */
    @WithDefault("30s")
    Duration pollInterval();
  }

  /** ONNX Runtime session options. */
  interface Onnx {
    /**
     * Threads per operator; 1 leaves parallelism to the inference workers. 0: ONNX Runtime decides.
     */
    @WithDefault("1")
    int intraOpThreads();

    @WithDefault("1")
    int interOpThreads();

    /** NO_OPT, BASIC_OPT, EXTENDED_OPT or ALL_OPT. */
    @WithDefault("ALL_OPT")
    SessionSettings.Optimization optimization();
  }

  /** Request limits. */
  interface Inference {
    /** Most rows (applicants, or a tensor's first dimension) in one request. */
    @WithDefault("4096")
    int maxRequestRows();

    /** Deadline of a request whose caller sets none (header X-Timeout-Ms, gRPC deadline). */
    @WithDefault("2s")
    Duration defaultTimeout();

    /** Calls each version's circuit breaker looks back on. */
    @WithDefault("20")
    int circuitWindow();

    /** Share of model failures (the runtime threw) in that window that opens the circuit. */
    @WithDefault("0.5")
    double circuitFailureRatio();

    /** How long an open circuit fails calls at once before a trial call. */
    @WithDefault("10s")
    Duration circuitOpenFor();
  }

  /** Micro-batching defaults; a version's model.json may override each under "batching". */
  interface Batching {
    /** When false every request runs alone, still behind the bounded queue. */
    @WithDefault("true")
    boolean enabled();

    /** Most rows in one inference call. */
    @WithDefault("64")
    int maxBatchRows();

    /** How long a forming batch may wait for more rows while another batch runs. */
    @WithDefault("200")
    long maxDelayMicros();

    /** Dispatch workers (concurrent inference calls) per version; default: the number of cores. */
    OptionalInt workers();

    /**
     * Requests run on the event loop that received them, sparing two thread hand-offs each: the
     * first of a pass at once, the rest of the pass as one batch when it ends. When false, every
     * request runs on a dispatch worker.
     */
    @WithDefault("true")
    boolean callerRuns();

    /** Requests that may wait per version; beyond it requests are refused with 429. */
    @WithDefault("1024")
    int queueCapacity();
  }

  /** The credit-decision API. */
  interface Credit {
    /** The model that scores applicants. */
    @WithDefault("credit-risk")
    String model();

    /** Reason codes per answer (the top factors that raised the risk); 0 turns them off. */
    @WithDefault("4")
    int reasonCount();

    /** Decision-policy values that replace the model descriptor's, for every version. */
    Policy policy();

    /** Idempotency-Key handling. */
    Idempotency idempotency();

    /** Configured policy; an absent value keeps the descriptor's. */
    interface Policy {
      Optional<String> version();

      OptionalDouble approveBelow();

      OptionalDouble declineAtOrAbove();

      /** Refer instead of approving when credit_amount is above this. */
      OptionalDouble maxAutoApproveAmount();
    }

    /**
     * Keys are kept for the window; together with their answers they weigh at most max-bytes (the
     * least recently used go first).
     */
    interface Idempotency {
      @WithDefault("10m")
      Duration window();

      @WithDefault("64M")
      MemorySize maxBytes();
    }
  }
}
