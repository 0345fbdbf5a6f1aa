package io.creditscorer.training;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Version 2: gradient-boosted trees trained by XGBoost4J, converted from XGBoost's JSON model to an
 * {@code ai.onnx.ml} TreeEnsembleRegressor (margin) followed by a sigmoid, so the graph answers the
 * same {@code [P(good), P(bad)]} as version 1.
 */
final class BoostedTreesTrainer {

  static final int ROUNDS = 150;

  private BoostedTreesTrainer() {}

  static TrainCreditModels.Trained train(TrainCreditModels.Prepared p) throws Exception {
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("eta", 0.05);
    params.put("max_depth", 3);
    params.put("min_child_weight", 2);
    params.put("lambda", 2.0);
    params.put("base_score", 0.5);
    params.put("tree_method", "exact");
    params.put("nthread", 1);
    params.put("seed", TrainCreditModels.SEED);
    params.put("verbosity", 0);
    DMatrix train = matrix(p.train(), p.trainBad());
    DMatrix holdout = matrix(p.holdout(), p.holdoutBad());
    Booster booster = XGBoost.train(train, params, ROUNDS, Map.of(), null, null);

    ByteArrayOutputStream json = new ByteArrayOutputStream();
    booster.saveModel(json, "json");
    JsonNode model = new ObjectMapper().readTree(json.toByteArray());
    String version = model.path("version").toString();
    byte[] onnx = toOnnx(model, p.columnNames().length).toByteArray();
    return new TrainCreditModels.Trained(
        "gradient-boosted trees",
        onnx,
        1,
        List.of("good", TrainCreditModels.BAD),
        predict(booster, train),
        predict(booster, holdout),
        Map.of("XGBoost4J", version.replaceAll("[\\[\\] ]", "").replace(',', '.')));
  }

  private static DMatrix matrix(float[][] rows, boolean[] bad) throws Exception {
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    float[] labels = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * width, width);
      labels[i] = bad[i] ? 1 : 0;
    }
    DMatrix m = new DMatrix(flat, rows.length, width, Float.NaN);
    m.setLabel(labels);
    return m;
  }

  private static double[] predict(Booster booster, DMatrix m) throws Exception {
    float[][] raw = booster.predict(m);
    double[] pd = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      pd[i] = raw[i][0];
    }
    return pd;
  }

  /** Builds features[N, width] -> TreeEnsembleRegressor -> Sigmoid -> [1 - p, p]. */
  static OnnxMl.ModelProto toOnnx(JsonNode model, int width) {
    JsonNode learner = model.get("learner");
    String baseScore =
        learner.get("learner_model_param").get("base_score").asText().replaceAll("[\\[\\]]", "");
    double base = Double.parseDouble(baseScore);
    float baseMargin = (float) Math.log(base / (1 - base));

    OnnxGraphs.Trees ensemble = new OnnxGraphs.Trees();
    JsonNode trees = learner.get("gradient_booster").get("model").get("trees");
    for (int t = 0; t < trees.size(); t++) {
      JsonNode tree = trees.get(t);
      JsonNode left = tree.get("left_children");
      JsonNode right = tree.get("right_children");
      JsonNode split = tree.get("split_indices");
      JsonNode cond = tree.get("split_conditions");
      JsonNode defaultLeft = tree.get("default_left");
      for (int n = 0; n < left.size(); n++) {
        if (left.get(n).asInt() == -1) {
          ensemble.leaf(t, n, (float) cond.get(n).asDouble());
        } else {
          ensemble.branch(
              t,
              n,
              "BRANCH_LT",
              split.get(n).asLong(),
              (float) cond.get(n).asDouble(),
              left.get(n).asLong(),
              right.get(n).asLong(),
              defaultLeft.get(n).asLong() != 0);
        }
      }
    }
    OnnxMl.GraphProto graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("credit-risk-gbt")
            .addNode(ensemble.regressor("features", "margin", baseMargin, "SUM"))
            .addNode(node("Sigmoid", "sigmoid", List.of("margin"), "p_bad"))
            .addNode(node("Sub", "complement", List.of("one", "p_bad"), "p_good"))
            .addNode(
                node("Concat", "concat", List.of("p_good", "p_bad"), "probabilities").toBuilder()
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("axis")
                            .setType(AttributeType.INT)
                            .setI(1))
                    .build())
            .addInitializer(
                OnnxMl.TensorProto.newBuilder()
                    .setName("one")
                    .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                    .addFloatData(1f))
            .addInput(OnnxGraphs.valueInfo("features", width))
            .addOutput(OnnxGraphs.valueInfo("probabilities", 2))
            .build();
    return OnnxGraphs.model(graph, 2);
  }

  private static OnnxMl.NodeProto node(String op, String name, List<String> in, String out) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(in)
        .addOutput(out)
        .build();
  }
}
