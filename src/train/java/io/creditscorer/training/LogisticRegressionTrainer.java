package io.creditscorer.training;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Version 1: L2-free logistic regression trained by Tribuo's SGD and exported with its ONNX. */
final class LogisticRegressionTrainer {

  static final int EPOCHS = 40;

  private LogisticRegressionTrainer() {}

  static TrainCreditModels.Trained train(TrainCreditModels.Prepared p) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> dataset =
        new MutableDataset<>(new SimpleDataSourceProvenance("german-credit", factory), factory);
    for (int i = 0; i < p.train().length; i++) {
      dataset.add(example(p, p.train()[i], p.trainBad()[i]));
    }
    LinearSGDTrainer trainer =
        new LinearSGDTrainer(
            new LogMulticlass(),
            new AdaGrad(0.1, 0.1),
            EPOCHS,
            Integer.MAX_VALUE,
            1,
            TrainCreditModels.SEED);
    LinearSGDModel model = (LinearSGDModel) trainer.train(dataset);

    // The ONNX input is a dense vector in Tribuo's feature-id order; it must be our column order.
    ImmutableFeatureMap ids = model.getFeatureIDMap();
    for (int c = 0; c < p.columnNames().length; c++) {
      if (ids.getID(p.columnNames()[c]) != c) {
        throw new IllegalStateException("Tribuo feature order differs at column " + c);
      }
    }
    int badColumn = model.getOutputIDInfo().getID(new Label(TrainCreditModels.BAD));
    String[] labels = new String[2];
    labels[badColumn] = TrainCreditModels.BAD;
    labels[1 - badColumn] = "good";

    OnnxMl.ModelProto proto = model.exportONNXModel("io.creditscorer", 1L);
    byte[] onnx = rename(proto).toByteArray();
    return new TrainCreditModels.Trained(
        "logistic regression",
        onnx,
        badColumn,
        List.of(labels),
        predict(model, p, p.train()),
        predict(model, p, p.holdout()),
        Map.of("Tribuo", Tribuo.VERSION));
  }

  private static Example<Label> example(TrainCreditModels.Prepared p, float[] row, boolean bad) {
    double[] values = new double[row.length];
    for (int c = 0; c < row.length; c++) {
      values[c] = row[c];
    }
    return new ArrayExample<>(
        new Label(bad ? TrainCreditModels.BAD : "good"), p.columnNames(), values);
  }

  private static double[] predict(
      LinearSGDModel model, TrainCreditModels.Prepared p, float[][] rows) {
    double[] pd = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      pd[i] =
          model
              .predict(example(p, rows[i], false))
              .getOutputScores()
              .get(TrainCreditModels.BAD)
              .getScore();
    }
    return pd;
  }

  /**
   * Names the graph's input {@code features} and output {@code probabilities} like every other
   * version, and drops the provenance metadata (it holds a timestamp, which would make every export
   * differ).
   */
  private static OnnxMl.ModelProto rename(OnnxMl.ModelProto proto) {
    OnnxMl.GraphProto graph = proto.getGraph();
    String in = graph.getInput(0).getName();
    String out = graph.getOutput(0).getName();
    OnnxMl.GraphProto.Builder g = graph.toBuilder().clearDocString();
    g.setInput(0, graph.getInput(0).toBuilder().setName("features"));
    g.setOutput(0, graph.getOutput(0).toBuilder().setName("probabilities"));
    for (int n = 0; n < g.getNodeCount(); n++) {
      OnnxMl.NodeProto.Builder node = g.getNodeBuilder(n);
      for (int i = 0; i < node.getInputCount(); i++) {
        if (node.getInput(i).equals(in)) {
          node.setInput(i, "features");
        }
      }
      for (int o = 0; o < node.getOutputCount(); o++) {
        if (node.getOutput(o).equals(out)) {
          node.setOutput(o, "probabilities");
        }
      }
    }
    return proto.toBuilder().clearMetadataProps().clearDocString().setGraph(g).build();
  }
}
