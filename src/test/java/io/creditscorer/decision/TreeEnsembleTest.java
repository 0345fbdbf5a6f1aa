package io.creditscorer.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.creditscorer.training.OnnxGraphs;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Java reading of a tree ensemble against ONNX Runtime running the same graph: every split
 * mode, missing values on either branch, ties on the threshold, and scores with columns replaced.
 */
class TreeEnsembleTest {

  /** tree, node, mode, feature, threshold, true, false, missing goes true, leaf weight. */
  private static final Object[][] NODES = {
    {0, 0, "BRANCH_LEQ", 0, 0.5f, 1, 2, 0, 0f},
    {0, 1, "BRANCH_GT", 1, 2f, 3, 4, 1, 0f},
    {0, 2, "LEAF", 0, 0f, 0, 0, 0, 0.25f},
    {0, 3, "LEAF", 0, 0f, 0, 0, 0, 1f},
    {0, 4, "LEAF", 0, 0f, 0, 0, 0, -2f},
    {1, 7, "BRANCH_EQ", 2, 1f, 5, 6, 0, 0f},
    {1, 5, "LEAF", 0, 0f, 0, 0, 0, 0.5f},
    {1, 6, "BRANCH_NEQ", 0, 3f, 8, 9, 0, 0f},
    {1, 8, "LEAF", 0, 0f, 0, 0, 0, -0.75f},
    {1, 9, "LEAF", 0, 0f, 0, 0, 0, 2f},
    {2, 0, "BRANCH_LT", 1, -1f, 1, 2, 0, 0f},
    {2, 1, "LEAF", 0, 0f, 0, 0, 0, 0.125f},
    {2, 2, "BRANCH_GTE", 2, 0f, 3, 4, 1, 0f},
    {2, 3, "LEAF", 0, 0f, 0, 0, 0, 0.375f},
    {2, 4, "LEAF", 0, 0f, 0, 0, 0, -0.3f},
  };

  private static final float[] VALUES = {Float.NaN, -2, -1, 0, 0.5f, 1, 2, 3};

  @Test
  void scoresAndReplacementsMatchOnnxRuntime() throws Exception {
    byte[] onnx = graph("SUM").toByteArray();
    TreeEnsemble trees = TreeEnsemble.read(onnx, "x", 3);
    assertEquals(3, trees.trees());
    assertEquals(2, trees.maxDepth());

    Random random = new Random(7);
    int n = 600;
    float[] rows = new float[n * 3];
    for (int i = 0; i < rows.length; i++) {
      rows[i] =
          random.nextInt(4) == 0
              ? (float) random.nextGaussian() * 3
              : VALUES[random.nextInt(VALUES.length)];
    }
    // Column 0 is group 0, columns 1 and 2 together are group 1, replaced by fixed values.
    int[] group = {0, 1, 1};
    float[] replacement = {3f, 2f, 1f};
    float[] replaced0 = rows.clone();
    float[] replaced1 = rows.clone();
    for (int i = 0; i < n; i++) {
      replaced0[i * 3] = replacement[0];
      replaced1[i * 3 + 1] = replacement[1];
      replaced1[i * 3 + 2] = replacement[2];
    }
    float[] own = run(onnx, rows, n);
    float[] at0 = run(onnx, replaced0, n);
    float[] at1 = run(onnx, replaced1, n);
    int moved = 0;
    for (int i = 0; i < n; i++) {
      String row = Arrays.toString(Arrays.copyOfRange(rows, i * 3, i * 3 + 3));
      assertEquals(own[i], trees.score(rows, i * 3), 1e-6, row);
      double[] delta = new double[2];
      double score =
          trees.deltas(rows, i * 3, group, trees.directions(group, replacement), delta, new int[4]);
      assertEquals(own[i], score, 1e-6, row);
      assertEquals(at0[i] - own[i], delta[0], 1e-6, "column 0 replaced: " + row);
      assertEquals(at1[i] - own[i], delta[1], 1e-6, "columns 1, 2 replaced: " + row);
      moved += delta[0] != 0 || delta[1] != 0 ? 1 : 0;
    }
    assertTrue(moved > n / 2, "replacements changed most scores: " + moved);
  }

  @Test
  void refusesWhatItDoesNotRead() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> TreeEnsemble.read(graph("AVERAGE").toByteArray(), "x", 3))
            .getMessage()
            .contains("aggregate_function AVERAGE"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> TreeEnsemble.read(graph("SUM").toByteArray(), "other", 3))
            .getMessage()
            .contains("not the input 'other'"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> TreeEnsemble.read(graph("SUM").toByteArray(), "x", 2))
            .getMessage()
            .contains("splits on column 2"));
    OnnxGraphs.Trees shared =
        new OnnxGraphs.Trees().branch(0, 0, "BRANCH_LT", 0, 1f, 1, 1, false).leaf(0, 1, 1f);
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> TreeEnsemble.read(model(shared, "SUM").toByteArray(), "x", 3))
            .getMessage()
            .contains("two parents"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> TreeEnsemble.read(new byte[] {1, 2, 3}, "x", 3))
            .getMessage()
            .startsWith("not an ONNX model"));
  }

  private static float[] run(byte[] onnx, float[] rows, int n) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
        OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[] {n, 3});
        OrtSession.Result result = session.run(Map.of("x", x))) {
      float[][] y = (float[][]) result.get(0).getValue();
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = y[i][0];
      }
      return out;
    }
  }

  private static OnnxMl.ModelProto graph(String aggregate) {
    OnnxGraphs.Trees trees = new OnnxGraphs.Trees();
    for (Object[] n : NODES) {
      if (n[2].equals("LEAF")) {
        trees.leaf((Integer) n[0], (Integer) n[1], (Float) n[8]);
      } else {
        trees.branch(
            (Integer) n[0],
            (Integer) n[1],
            (String) n[2],
            (Integer) n[3],
            (Float) n[4],
            (Integer) n[5],
            (Integer) n[6],
            (Integer) n[7] == 1);
      }
    }
    return model(trees, aggregate);
  }

  private static OnnxMl.ModelProto model(OnnxGraphs.Trees trees, String aggregate) {
    return OnnxGraphs.model(
        OnnxMl.GraphProto.newBuilder()
            .setName("trees")
            .addNode(trees.regressor("x", "y", 0.2f, aggregate))
            .addInput(OnnxGraphs.valueInfo("x", 3))
            .addOutput(OnnxGraphs.valueInfo("y", 1))
            .build(),
        1);
  }
}
