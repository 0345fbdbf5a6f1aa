package io.creditscorer.repository;

import io.creditscorer.decision.ReasonCodeExplainer;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.OnnxModel;
import io.creditscorer.inference.TensorMeta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a descriptor against the ONNX graph it describes and derives what is served. Every
 * contradiction is collected, so one log line says everything that is wrong with a version.
 */
public final class DescriptorValidator {

  /** What a valid version serves. */
  public record Validated(
      List<TensorMeta> inputs, List<TensorMeta> outputs, Optional<ModelVersion.Credit> credit) {}

  private DescriptorValidator() {}

  /**
   * @param descriptor the declared contract, or {@code null} to serve the graph as it is
   * @throws IllegalArgumentException listing every contradiction
   */
  public static Validated validate(ModelDescriptor descriptor, OnnxModel model) {
    List<String> problems = new ArrayList<>();
    if (!model.unsupported().isEmpty()) {
      problems.add("graph has inputs or outputs of unsupported types: " + model.unsupported());
    }
    List<TensorMeta> inputs = model.inputs();
    List<TensorMeta> outputs = model.outputs();
    if (descriptor != null && descriptor.inputs() != null) {
      inputs = check("input", descriptor.inputs(), model.inputs(), true, problems);
    }
    if (descriptor != null && descriptor.outputs() != null) {
      outputs = check("output", descriptor.outputs(), model.outputs(), false, problems);
    }
    Optional<ModelVersion.Credit> credit = Optional.empty();
    if (descriptor != null && descriptor.credit() != null && problems.isEmpty()) {
      credit = credit(descriptor.credit(), descriptor.baseline(), inputs, outputs, problems);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new Validated(inputs, outputs, credit);
  }

  private static List<TensorMeta> check(
      String kind,
      List<ModelDescriptor.TensorSpec> declared,
      List<TensorMeta> graph,
      boolean mustCoverGraph,
      List<String> problems) {
    Map<String, TensorMeta> byName =
        graph.stream().collect(Collectors.toMap(TensorMeta::name, Function.identity()));
    List<TensorMeta> served = new ArrayList<>();
    for (ModelDescriptor.TensorSpec spec : declared) {
      TensorMeta actual = byName.get(spec.name());
      if (actual == null) {
        problems.add(
            kind
                + " '"
                + spec.name()
                + "' is not in the graph (graph has "
                + byName.keySet()
                + ")");
        continue;
      }
      String typeProblem = DataType.problemWith(spec.datatype());
      if (typeProblem != null) {
        problems.add(kind + " '" + spec.name() + "': " + typeProblem);
        continue;
      }
      if (DataType.valueOf(spec.datatype()) != actual.datatype()) {
        problems.add(
            kind
                + " '"
                + spec.name()
                + "' is declared "
                + spec.datatype()
                + " but the graph has "
                + actual.datatype());
      }
      long[] shape =
          spec.shape() == null
              ? actual.shape()
              : spec.shape().stream().mapToLong(Long::longValue).toArray();
      if (!compatible(shape, actual.shape())) {
        problems.add(
            kind
                + " '"
                + spec.name()
                + "' is declared with shape "
                + Arrays.toString(shape)
                + " but the graph has "
                + Arrays.toString(actual.shape()));
      }
      served.add(new TensorMeta(spec.name(), actual.datatype(), shape));
    }
    if (mustCoverGraph) {
      for (TensorMeta t : graph) {
        if (declared.stream().noneMatch(s -> t.name().equals(s.name()))) {
          problems.add("graph " + kind + " '" + t.name() + "' is not declared");
        }
      }
    }
    return List.copyOf(served);
  }

  private static boolean compatible(long[] declared, long[] graph) {
    if (declared.length != graph.length) {
      return false;
    }
    for (int i = 0; i < declared.length; i++) {
      if (declared[i] >= 0 && graph[i] >= 0 && declared[i] != graph[i]) {
        return false;
      }
    }
    return true;
  }

  /** Each category's share of the training rows, from the descriptor's baseline histograms. */
  static Map<String, Map<String, Double>> categoryShares(ModelDescriptor.Baseline baseline) {
    Map<String, Map<String, Double>> shares = new java.util.HashMap<>();
    if (baseline == null || baseline.features() == null) {
      return shares;
    }
    baseline
        .features()
        .forEach(
            (name, h) -> {
              if (h.categories() == null || h.counts() == null) {
                return;
              }
              double total = h.counts().stream().mapToLong(Long::longValue).sum();
              Map<String, Double> s = new java.util.HashMap<>();
              for (int i = 0; i < h.categories().size() && total > 0; i++) {
                s.put(h.categories().get(i), h.counts().get(i) / total);
              }
              shares.put(name, s);
            });
    return shares;
  }

  private static Optional<ModelVersion.Credit> credit(
      ModelDescriptor.Credit spec,
      ModelDescriptor.Baseline baseline,
      List<TensorMeta> inputs,
      List<TensorMeta> outputs,
      List<String> problems) {
    TensorMeta in =
        inputs.stream().filter(t -> t.name().equals(spec.input())).findFirst().orElse(null);
    TensorMeta out =
        outputs.stream().filter(t -> t.name().equals(spec.output())).findFirst().orElse(null);
    if (in == null
        || in.datatype() != DataType.FP32
        || in.shape().length != 2
        || in.shape()[1] < 1) {
      problems.add(
          "credit.input '" + spec.input() + "' must name an FP32 input of shape [-1, width]");
    }
    if (out == null
        || out.shape().length != 2
        || out.shape()[1] < 1
        || out.datatype() != DataType.FP32) {
      problems.add(
          "credit.output '" + spec.output() + "' must name an FP32 output of shape [-1, classes]");
    }
    if (inputs.size() != 1) {
      problems.add("a credit model takes exactly one input, the graph has " + inputs.size());
    }
    if (!problems.isEmpty()) {
      return Optional.empty();
    }
    int columns = (int) out.shape()[1];
    if (spec.defaultColumn() < 0 || spec.defaultColumn() >= columns) {
      problems.add(
          "credit.default_column "
              + spec.defaultColumn()
              + " is outside the "
              + columns
              + " output columns");
    }
    if (spec.scoreScale() == null || spec.decisionPolicy() == null) {
      problems.add("credit needs score_scale and decision_policy");
    }
    if (spec.features() == null || spec.features().isEmpty()) {
      problems.add("credit needs features");
    }
    if (!problems.isEmpty()) {
      return Optional.empty();
    }
    try {
      CreditFeatureEncoder encoder =
          CreditFeatureEncoder.of(
              spec.features(),
              spec.protectedAttributes() == null ? List.of() : spec.protectedAttributes(),
              (int) in.shape()[1]);
      return Optional.of(
          new ModelVersion.Credit(
              encoder,
              spec.input(),
              spec.output(),
              columns,
              spec.defaultColumn(),
              spec.scoreScale(),
              spec.decisionPolicy(),
              ReasonCodeExplainer.of(
                  spec.features(), categoryShares(baseline), (int) in.shape()[1])));
    } catch (IllegalArgumentException e) {
      problems.add("credit.features: " + e.getMessage());
      return Optional.empty();
    }
  }
}
