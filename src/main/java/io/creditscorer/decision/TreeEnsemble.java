package io.creditscorer.decision;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trees of an ONNX {@code TreeEnsembleRegressor} or {@code TreeEnsembleClassifier} with one
 * score, read from the graph so that a row's score can be re-evaluated with some columns replaced
 * at a cost of one path per tree. Only the trees whose path splits on a replaced column can change,
 * which is what makes reason codes cheap: a depth-3 tree splits on at most 3 fields.
 *
 * <p>Decisions are bit-identical to ONNX Runtime's (float against float threshold, the node's mode
 * and missing-value branch); the sum of leaf weights is taken in double. Immutable and thread-safe.
 */
final class TreeEnsemble {

  private static final byte LEAF = 0;
  private static final byte LEQ = 1;
  private static final byte LT = 2;
  private static final byte GTE = 3;
  private static final byte GT = 4;
  private static final byte EQ = 5;
  private static final byte NEQ = 6;

  /** Groups of replaced columns that {@link #deltas} tells apart. */
  static final int MAX_GROUPS = 64;

  private final int[] roots;
  private final byte[] mode;
  private final int[] feature;
  private final float[] threshold;
  private final int[] ifTrue;
  private final int[] ifFalse;
  private final boolean[] missingTrue;
  private final double[] weight;
  private final double base;
  private final int maxDepth;

  private TreeEnsemble(
      int[] roots,
      byte[] mode,
      int[] feature,
      float[] threshold,
      int[] ifTrue,
      int[] ifFalse,
      boolean[] missingTrue,
      double[] weight,
      double base) {
    this.roots = roots;
    this.mode = mode;
    this.feature = feature;
    this.threshold = threshold;
    this.ifTrue = ifTrue;
    this.ifFalse = ifFalse;
    this.missingTrue = missingTrue;
    this.weight = weight;
    this.base = base;
    int deepest = 0;
    for (int root : roots) {
      deepest = Math.max(deepest, depth(root, 0));
    }
    this.maxDepth = deepest;
  }

  /**
   * Reads the only tree-ensemble node of a graph, which must take the graph input {@code input}
   * directly and produce one score per row.
   *
   * @throws IllegalArgumentException saying why the graph is not such an ensemble
   */
  static TreeEnsemble read(byte[] onnx, String input, int width) {
    OnnxMl.GraphProto graph;
    try {
      graph = OnnxMl.ModelProto.parseFrom(onnx).getGraph();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an ONNX model: " + e.getMessage());
    }
    List<OnnxMl.NodeProto> ensembles =
        graph.getNodeList().stream().filter(n -> n.getOpType().startsWith("TreeEnsemble")).toList();
    if (ensembles.size() != 1) {
      throw new IllegalArgumentException(
          "the graph has " + ensembles.size() + " tree-ensemble nodes, not 1");
    }
    OnnxMl.NodeProto node = ensembles.get(0);
    String kind = node.getOpType();
    if (!kind.equals("TreeEnsembleRegressor") && !kind.equals("TreeEnsembleClassifier")) {
      throw new IllegalArgumentException(kind + " is not read");
    }
    if (!node.getInput(0).equals(input)) {
      throw new IllegalArgumentException(
          kind + " reads '" + node.getInput(0) + "', not the input '" + input + "'");
    }
    Map<String, OnnxMl.AttributeProto> a = new HashMap<>();
    for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
      a.put(attribute.getName(), attribute);
    }
    String aggregate =
        a.containsKey("aggregate_function") ? string(a, "aggregate_function") : "SUM";
    if (!aggregate.equals("SUM")) {
      throw new IllegalArgumentException("aggregate_function " + aggregate + " is not read");
    }
    String prefix = kind.equals("TreeEnsembleRegressor") ? "target_" : "class_";
    List<Long> targets = ints(a, prefix + "ids");
    if (targets.stream().distinct().count() > 1) {
      throw new IllegalArgumentException(kind + " has more than one score per row");
    }
    List<Float> bases = a.containsKey("base_values") ? floats(a, "base_values") : List.of();
    if (bases.size() > 1) {
      throw new IllegalArgumentException(kind + " has " + bases.size() + " base values");
    }

    List<Long> treeIds = ints(a, "nodes_treeids");
    List<Long> nodeIds = ints(a, "nodes_nodeids");
    List<Long> features = ints(a, "nodes_featureids");
    List<Float> values = floats(a, "nodes_values");
    List<String> modes =
        required(a, "nodes_modes").getStringsList().stream().map(s -> s.toStringUtf8()).toList();
    List<Long> trueIds = ints(a, "nodes_truenodeids");
    List<Long> falseIds = ints(a, "nodes_falsenodeids");
    List<Long> missing =
        a.containsKey("nodes_missing_value_tracks_true")
            ? ints(a, "nodes_missing_value_tracks_true")
            : List.of();
    int n = treeIds.size();
    Map<Long, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(key(treeIds.get(i), nodeIds.get(i)), i);
    }
    byte[] mode = new byte[n];
    int[] feature = new int[n];
    float[] threshold = new float[n];
    int[] ifTrue = new int[n];
    int[] ifFalse = new int[n];
    boolean[] missingTrue = new boolean[n];
    Set<Integer> children = new HashSet<>();
    for (int i = 0; i < n; i++) {
      mode[i] = mode(modes.get(i));
      if (mode[i] == LEAF) {
        continue;
      }
      feature[i] = Math.toIntExact(features.get(i));
      if (feature[i] < 0 || feature[i] >= width) {
        throw new IllegalArgumentException("node splits on column " + feature[i]);
      }
      threshold[i] = values.get(i);
      ifTrue[i] = child(index, treeIds.get(i), trueIds.get(i));
      ifFalse[i] = child(index, treeIds.get(i), falseIds.get(i));
      if (!children.add(ifTrue[i]) || !children.add(ifFalse[i])) {
        throw new IllegalArgumentException("a node of tree " + treeIds.get(i) + " has two parents");
      }
      missingTrue[i] = !missing.isEmpty() && missing.get(i) != 0;
    }
    double[] weight = new double[n];
    List<Long> leafTrees = ints(a, prefix + "treeids");
    List<Long> leafNodes = ints(a, prefix + "nodeids");
    List<Float> leafWeights = floats(a, prefix + "weights");
    for (int i = 0; i < leafTrees.size(); i++) {
      weight[child(index, leafTrees.get(i), leafNodes.get(i))] += leafWeights.get(i);
    }
    List<Integer> roots = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (!children.contains(i) && seen.add(treeIds.get(i))) {
        roots.add(i);
      }
    }
    if (roots.size() != treeIds.stream().distinct().count()) {
      throw new IllegalArgumentException("a tree has no single root");
    }
    return new TreeEnsemble(
        roots.stream().mapToInt(Integer::intValue).toArray(),
        mode,
        feature,
        threshold,
        ifTrue,
        ifFalse,
        missingTrue,
        weight,
        bases.isEmpty() ? 0 : bases.get(0));
  }

  /** The most split nodes on any path from a root to a leaf. */
  int maxDepth() {
    return maxDepth;
  }

  int trees() {
    return roots.length;
  }

  /** The ensemble's score of the row at {@code offset}. */
  double score(float[] rows, int offset) {
    double sum = base;
    for (int root : roots) {
      int node = root;
      while (mode[node] != LEAF) {
        node = goesTrue(node, rows[offset + feature[node]]) ? ifTrue[node] : ifFalse[node];
      }
      sum += weight[node];
    }
    return sum;
  }

  /**
   * Which way each split node sends the replacement value of its column: {@code true} for the true
   * branch. Meaningful only for nodes whose column has a group.
   */
  boolean[] directions(int[] group, float[] replacement) {
    boolean[] out = new boolean[mode.length];
    for (int node = 0; node < mode.length; node++) {
      if (mode[node] != LEAF && group[feature[node]] >= 0) {
        out[node] = goesTrue(node, replacement[feature[node]]);
      }
    }
    return out;
  }

  /**
   * Adds to {@code delta[g]} how much the row's score changes when every column {@code c} with
   * {@code group[c] == g} takes its replacement value, for every group at once, and returns the
   * row's own score. Groups are numbered below {@value #MAX_GROUPS}; {@code replaced} is {@link
   * #directions} of the replacements. In each tree only a group whose replacement turns off the
   * row's path at some node is walked again, from that node. {@code scratch} holds at least {@code
   * 2 * }{@link #maxDepth()} entries.
   */
  double deltas(
      float[] rows, int offset, int[] group, boolean[] replaced, double[] delta, int[] scratch) {
    int depth = scratch.length / 2;
    double sum = base;
    for (int root : roots) {
      int turns = 0;
      long turned = 0;
      int node = root;
      while (mode[node] != LEAF) {
        boolean way = goesTrue(node, rows[offset + feature[node]]);
        int g = group[feature[node]];
        if (g >= 0 && replaced[node] != way && (turned & 1L << g) == 0) {
          turned |= 1L << g;
          scratch[turns] = g;
          scratch[depth + turns] =
              leaf(way ? ifFalse[node] : ifTrue[node], rows, offset, group, g, replaced);
          turns++;
        }
        node = way ? ifTrue[node] : ifFalse[node];
      }
      double own = weight[node];
      sum += own;
      for (int k = 0; k < turns; k++) {
        delta[scratch[k]] += weight[scratch[depth + k]] - own;
      }
    }
    return sum;
  }

  /** The leaf a row reaches from {@code node} with group {@code g}'s columns replaced. */
  private int leaf(int node, float[] rows, int offset, int[] group, int g, boolean[] replaced) {
    while (mode[node] != LEAF) {
      int f = feature[node];
      boolean way = group[f] == g ? replaced[node] : goesTrue(node, rows[offset + f]);
      node = way ? ifTrue[node] : ifFalse[node];
    }
    return node;
  }

  /** As ONNX Runtime decides: the comparison, or a missing value on a node that sends it true. */
  private boolean goesTrue(int node, float x) {
    float t = threshold[node];
    boolean compared =
        switch (mode[node]) {
          case LEQ -> x <= t;
          case LT -> x < t;
          case GTE -> x >= t;
          case GT -> x > t;
          case EQ -> x == t;
          default -> x != t;
        };
    return compared || (missingTrue[node] && Float.isNaN(x));
  }

  private int depth(int node, int above) {
    return mode[node] == LEAF
        ? above
        : Math.max(depth(ifTrue[node], above + 1), depth(ifFalse[node], above + 1));
  }

  private static byte mode(String name) {
    return switch (name) {
      case "LEAF" -> LEAF;
      case "BRANCH_LEQ" -> LEQ;
      case "BRANCH_LT" -> LT;
      case "BRANCH_GTE" -> GTE;
      case "BRANCH_GT" -> GT;
      case "BRANCH_EQ" -> EQ;
      case "BRANCH_NEQ" -> NEQ;
      default -> throw new IllegalArgumentException("node mode " + name + " is not read");
    };
  }

  private static long key(long tree, long node) {
    return tree << 32 | node;
  }

  private static int child(Map<Long, Integer> index, long tree, long node) {
    Integer i = index.get(key(tree, node));
    if (i == null) {
      throw new IllegalArgumentException("tree " + tree + " has no node " + node);
    }
    return i;
  }

  private static List<Long> ints(Map<String, OnnxMl.AttributeProto> a, String name) {
    return required(a, name).getIntsList();
  }

  private static List<Float> floats(Map<String, OnnxMl.AttributeProto> a, String name) {
    return required(a, name).getFloatsList();
  }

  private static String string(Map<String, OnnxMl.AttributeProto> a, String name) {
    return required(a, name).getS().toStringUtf8();
  }

  private static OnnxMl.AttributeProto required(Map<String, OnnxMl.AttributeProto> a, String name) {
    OnnxMl.AttributeProto attribute = a.get(name);
    if (attribute == null) {
      throw new IllegalArgumentException("the tree ensemble has no " + name);
    }
    return attribute;
  }
}
