package io.creditscorer.repository;

import io.creditscorer.decision.DecisionPolicy;
import io.creditscorer.decision.ReasonCodeExplainer;
import io.creditscorer.decision.ScoreScale;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.inference.OnnxModel;
import io.creditscorer.inference.TensorMeta;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A loaded, validated and warmed-up model version. Immutable; shared by all threads.
 *
 * @param inputs what the version takes, as served in its metadata
 * @param outputs what the version gives
 * @param credit the credit-decision contract, for credit models
 * @param batching the descriptor's batching overrides, or {@code null}
 * @param sha256 of the model file, named in audit records
 * @param baseline training distributions for drift checks, or {@code null}
 */
public record ModelVersion(
    String name,
    String version,
    Path directory,
    OnnxModel model,
    List<TensorMeta> inputs,
    List<TensorMeta> outputs,
    Optional<Credit> credit,
    ModelDescriptor.Batching batching,
    String sha256,
    ModelDescriptor.Baseline baseline) {

  /** Platform name reported in Open Inference Protocol metadata. */
  public static final String PLATFORM = "onnxruntime_onnx";

  /**
   * A credit model: how applicants become the input row and how its output becomes a decision.
   *
   * @param input name of the FP32 input taking {@code [rows, encoder.width()]}
   * @param output name of the probabilities output
   * @param outputColumns columns of that output per row
   * @param defaultColumn column holding the probability of default
   */
  public record Credit(
      CreditFeatureEncoder encoder,
      String input,
      String output,
      int outputColumns,
      int defaultColumn,
      ScoreScale scoreScale,
      DecisionPolicy decisionPolicy,
      ReasonCodeExplainer explainer) {}

  public String id() {
    return name + "/" + version;
  }
}
