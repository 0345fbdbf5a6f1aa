package io.creditscorer.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/**
 * ONNX Runtime session options shared by every version.
 *
 * @param intraOpThreads threads one operator may use (1 avoids oversubscribing the cores that the
 *     inference workers already use)
 * @param interOpThreads threads for running independent operators in parallel
 * @param optimization graph optimisation level
 */
public record SessionSettings(int intraOpThreads, int interOpThreads, Optimization optimization) {

  /** ONNX Runtime's graph optimisation levels, by their own names. */
  public enum Optimization {
    NO_OPT(OptLevel.NO_OPT),
    BASIC_OPT(OptLevel.BASIC_OPT),
    EXTENDED_OPT(OptLevel.EXTENDED_OPT),
    ALL_OPT(OptLevel.ALL_OPT);

    private final OptLevel level;

    Optimization(OptLevel level) {
      this.level = level;
    }
  }

  public SessionSettings {
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException(
          "ONNX Runtime thread counts must be >= 0 (0: its default)");
    }
  }

  public static SessionSettings defaults() {
    return new SessionSettings(1, 1, Optimization.ALL_OPT);
  }

  OrtSession.SessionOptions toOptions() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(intraOpThreads);
    options.setInterOpNumThreads(interOpThreads);
    options.setOptimizationLevel(optimization.level);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    return options;
  }
}
