package io.creditscorer.inference;

import ai.onnxruntime.OrtException;
import io.creditscorer.error.ScoringException;

/** Turns what a model run threw into the engine's exception hierarchy. */
public final class InferenceFailures {

  private InferenceFailures() {}

  /**
   * ONNX Runtime's INVALID_ARGUMENT is the caller's input (e.g. an index out of range); anything
   * else is the server's fault.
   */
  public static ScoringException translate(Throwable e) {
    if (e instanceof ScoringException s) {
      return s;
    }
    if (e instanceof OrtException ort
        && ort.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
      return new ScoringException(
          ScoringException.Kind.INVALID_INPUT,
          "the model rejected the input: " + e.getMessage(),
          e);
    }
    return new ScoringException(
        ScoringException.Kind.INTERNAL, "inference failed: " + e.getMessage(), e);
  }
}
