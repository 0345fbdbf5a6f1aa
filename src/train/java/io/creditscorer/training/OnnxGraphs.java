package io.creditscorer.training;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;

/** Building blocks of the ONNX graphs the training pipeline (and tests) write. */
public final class OnnxGraphs {

  private OnnxGraphs() {}

  /** The nodes of an {@code ai.onnx.ml} TreeEnsembleRegressor with one target, added one by one. */
  public static final class Trees {
    private final List<Long> treeIds = new ArrayList<>();
    private final List<Long> nodeIds = new ArrayList<>();
    private final List<Long> featureIds = new ArrayList<>();
    private final List<Float> values = new ArrayList<>();
    private final List<ByteString> modes = new ArrayList<>();
    private final List<Long> trueIds = new ArrayList<>();
    private final List<Long> falseIds = new ArrayList<>();
    private final List<Long> missingTrue = new ArrayList<>();
    private final List<Long> leafTrees = new ArrayList<>();
    private final List<Long> leafNodes = new ArrayList<>();
    private final List<Float> leafWeights = new ArrayList<>();

    /** A split: rows go to {@code ifTrue} when {@code mode} (e.g. BRANCH_LT) holds. */
    public Trees branch(
        long tree,
        long node,
        String mode,
        long feature,
        float threshold,
        long ifTrue,
        long ifFalse,
        boolean missingGoesTrue) {
      treeIds.add(tree);
      nodeIds.add(node);
      modes.add(ByteString.copyFromUtf8(mode));
      featureIds.add(feature);
      values.add(threshold);
      trueIds.add(ifTrue);
      falseIds.add(ifFalse);
      missingTrue.add(missingGoesTrue ? 1L : 0L);
      return this;
    }

    public Trees leaf(long tree, long node, float weight) {
      branch(tree, node, "LEAF", 0, 0f, 0, 0, false);
      leafTrees.add(tree);
      leafNodes.add(node);
      leafWeights.add(weight);
      return this;
    }

    /** The regressor node: {@code input [N, width] -> output [N, 1]}, leaf weights summed. */
    public OnnxMl.NodeProto regressor(
        String input, String output, float base, String aggregateFunction) {
      return OnnxMl.NodeProto.newBuilder()
          .setName("trees")
          .setOpType("TreeEnsembleRegressor")
          .setDomain("ai.onnx.ml")
          .addInput(input)
          .addOutput(output)
          .addAttribute(ints("nodes_treeids", treeIds))
          .addAttribute(ints("nodes_nodeids", nodeIds))
          .addAttribute(ints("nodes_featureids", featureIds))
          .addAttribute(floats("nodes_values", values))
          .addAttribute(
              AttributeProto.newBuilder()
                  .setName("nodes_modes")
                  .setType(AttributeType.STRINGS)
                  .addAllStrings(modes))
          .addAttribute(ints("nodes_truenodeids", trueIds))
          .addAttribute(ints("nodes_falsenodeids", falseIds))
          .addAttribute(ints("nodes_missing_value_tracks_true", missingTrue))
          .addAttribute(ints("target_treeids", leafTrees))
          .addAttribute(ints("target_nodeids", leafNodes))
          .addAttribute(ints("target_ids", leafTrees.stream().map(t -> 0L).toList()))
          .addAttribute(floats("target_weights", leafWeights))
          .addAttribute(floats("base_values", List.of(base)))
          .addAttribute(
              AttributeProto.newBuilder().setName("n_targets").setType(AttributeType.INT).setI(1))
          .addAttribute(
              AttributeProto.newBuilder()
                  .setName("aggregate_function")
                  .setType(AttributeType.STRING)
                  .setS(ByteString.copyFromUtf8(aggregateFunction)))
          .build();
    }
  }

  /** A model of {@code graph} with the opsets this project writes (ONNX 13, ai.onnx.ml 3). */
  public static OnnxMl.ModelProto model(OnnxMl.GraphProto graph, long version) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("credit-scorer training pipeline")
        .setDomain("io.creditscorer")
        .setModelVersion(version)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .addOpsetImport(
            OnnxMl.OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(3))
        .setGraph(graph)
        .build();
  }

  /** A float tensor {@code [batch, columns]}. */
  public static OnnxMl.ValueInfoProto valueInfo(String name, long columns) {
    OnnxMl.TensorShapeProto shape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
            .build();
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }

  private static AttributeProto ints(String name, List<Long> values) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeType.INTS)
        .addAllInts(values)
        .build();
  }

  private static AttributeProto floats(String name, List<Float> values) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeType.FLOATS)
        .addAllFloats(values)
        .build();
  }
}
