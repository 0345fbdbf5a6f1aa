package io.creditscorer.repository;

import io.creditscorer.decision.DecisionPolicy;
import io.creditscorer.decision.ScoreScale;
import io.creditscorer.features.FeatureSpec;
import java.util.List;
import java.util.Map;

/**
 * What a model version declares about itself in {@code model.json} beside its {@code model.onnx}.
 * Every part is optional: a missing {@code inputs}/{@code outputs} list is derived from the ONNX
 * graph, and a version without {@code credit} is served through the Open Inference Protocol only.
 *
 * @param name model name (defaults to the directory name)
 * @param version version (defaults to the directory name)
 * @param description free text
 * @param inputs tensor inputs as the model takes them
 * @param outputs tensor outputs as the model gives them
 * @param credit how credit applicants map onto this model, present for credit models
 * @param baseline training-data distributions, used for drift checks
 * @param batching overrides of the global micro-batching settings for this version
 */
public record ModelDescriptor(
    String name,
    String version,
    String description,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Credit credit,
    Baseline baseline,
    Batching batching) {

  /** Per-version micro-batching overrides; a {@code null} field keeps the global default. */
  public record Batching(
      Boolean enabled,
      Integer maxBatchRows,
      Long maxDelayMicros,
      Integer workers,
      Integer queueCapacity) {}

  /**
   * A tensor as declared: name, Open Inference Protocol datatype and shape (-1 for a variable
   * dimension); {@code labels} names the columns of a class-probability output.
   */
  public record TensorSpec(String name, String datatype, List<Long> shape, List<String> labels) {}

  /**
   * The credit-decision contract of a version.
   *
   * @param input name of the FP32 input that takes the encoded feature rows
   * @param output name of the output holding class probabilities
   * @param defaultColumn column of {@code output} holding the probability of default
   * @param features request fields and how each is encoded into the input row
   * @param protectedAttributes fields that must never be supplied (refused by name)
   * @param scoreScale probability to points
   * @param decisionPolicy probability to approve / refer / decline
   */
  public record Credit(
      String input,
      String output,
      int defaultColumn,
      List<FeatureSpec> features,
      List<String> protectedAttributes,
      ScoreScale scoreScale,
      DecisionPolicy decisionPolicy) {}

  /**
   * Training-data distributions: per feature a histogram (numeric: bin {@code edges}; categorical:
   * {@code categories}) and one for the predicted probability of default.
   */
  public record Baseline(
      int rows, Map<String, Histogram> features, Histogram probabilityOfDefault) {}

  /**
   * Counts per bin. Numeric: {@code edges} are the interior cut points and {@code counts} has one
   * more entry; bin 0 is (-inf, edges[0]), bin i is [edges[i-1], edges[i]), the last is
   * [edges[last], +inf); {@code min} and {@code max} are the training range. Categorical: one count
   * per entry of {@code categories}.
   */
  public record Histogram(
      List<Double> edges, List<String> categories, List<Long> counts, Double min, Double max) {}
}
