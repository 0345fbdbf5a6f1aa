package io.creditscorer.app;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.creditscorer.repository.RepositorySettings.VersionPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Every {@code scorer.*} setting, with its default. Checked at start-up (see {@link ScorerBeans}).
 */
@ConfigMapping(prefix = "scorer")
public interface ScorerConfig {

  Repository repository();

  Onnx onnx();

  Inference inference();

  Http http();

  Credit credit();

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
    OptLevel optimization();
  }

  /** Inference workers and admission. */
  interface Inference {
    /** Inference worker threads; default: the number of cores. */
    OptionalInt workers();

    /** Calls that may wait for a worker; beyond it requests are refused with 429. */
    @WithDefault("1024")
    int queueCapacity();

    /** Most rows (applicants, or a tensor's first dimension) in one call. */
    @WithDefault("4096")
    int maxBatchRows();
  }

  /** HTTP door limits. */
  interface Http {
    /** Largest request body accepted, in bytes; larger ones get 413. */
    @WithDefault("4194304")
    long maxBodyBytes();
  }

  /** The credit-decision API. */
  interface Credit {
    /** The model that scores applicants. */
    @WithDefault("credit-risk")
    String model();
  }
}
