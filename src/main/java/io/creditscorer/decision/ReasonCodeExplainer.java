package io.creditscorer.decision;

import io.creditscorer.features.FeatureSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Adverse-action reasons. For each request field (a feature group: one numeric column, or all
 * one-hot columns of a category), the applicant's encoded values are replaced by the training
 * baseline (the mean of those columns: for a standardised numeric field 0, for a category each
 * category's share); a field's impact is {@code pd(original) - pd(field at baseline)}. For a linear
 * model this ranks fields exactly by {@code coefficient x (value - baseline)}, since the logit
 * difference is that sum.
 *
 * <p>Two ways to the same numbers:
 *
 * <ul>
 *   <li><b>Perturbation</b> (any model): the original row and all perturbed rows are scored in one
 *       inference call, {@link #rowsPerApplicant()} rows per applicant.
 *   <li><b>Tree paths</b> ({@link #withTrees}): for a tree ensemble read from the graph, a field at
 *       its baseline can only change the trees whose path splits on it; only those are walked
 *       again, in Java, and the model scores one row per applicant. Used only once the reading has
 *       reproduced the model's own answers on probe rows.
 * </ul>
 *
 * <p>Built once per model version; immutable and thread-safe.
 */
public final class ReasonCodeExplainer {

  /** How far a tree reading's probabilities may stray from the model's (float rounding). */
  static final double TOLERANCE = 1e-5;

  private static final int PROBE_ROWS = 256;
  private static final long PROBE_SEED = 20261129L;

  private record Group(FeatureSpec spec, int[] columns, float[] baseline) {}

  /** From the ensemble's summed score to the probability of default. */
  enum Link {
    LOGISTIC,
    IDENTITY;

    double apply(double score) {
      return this == LOGISTIC ? 1 / (1 + Math.exp(-score)) : score;
    }
  }

  private final List<Group> groups;
  private final int width;
  private final TreeEnsemble trees;
  private final Link link;
  private final int[] groupOf;
  private final float[] replacement;
  private final boolean[] replacedDirections;

  private ReasonCodeExplainer(List<Group> groups, int width, TreeEnsemble trees, Link link) {
    this.groups = groups;
    this.width = width;
    this.trees = trees;
    this.link = link;
    this.groupOf = new int[width];
    this.replacement = new float[width];
    Arrays.fill(groupOf, -1);
    for (int g = 0; g < groups.size(); g++) {
      Group group = groups.get(g);
      for (int k = 0; k < group.columns.length; k++) {
        groupOf[group.columns[k]] = g;
        replacement[group.columns[k]] = group.baseline[k];
      }
    }
    this.replacedDirections = trees == null ? null : trees.directions(groupOf, replacement);
  }

  /**
   * @param categoryShares per categorical field, each category's share of the training data; a
   *     field without shares gets an all-zero baseline
   */
  public static ReasonCodeExplainer of(
      List<FeatureSpec> features, Map<String, Map<String, Double>> categoryShares, int width) {
    List<Group> groups = new ArrayList<>();
    for (FeatureSpec f : features) {
      if (f.type() == FeatureSpec.Type.numeric) {
        float base = f.center() == null ? 0f : (float) ((f.center() - f.center()) / scale(f));
        groups.add(new Group(f, new int[] {f.column()}, new float[] {base}));
        continue;
      }
      List<Integer> cols = new ArrayList<>();
      List<Float> base = new ArrayList<>();
      Map<String, Double> shares = categoryShares.getOrDefault(f.name(), Map.of());
      for (Map.Entry<String, Integer> c : f.categories().entrySet()) {
        if (c.getValue() >= 0) {
          cols.add(c.getValue());
          base.add(shares.getOrDefault(c.getKey(), 0.0).floatValue());
        }
      }
      float[] b = new float[base.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = base.get(i);
      }
      groups.add(new Group(f, cols.stream().mapToInt(Integer::intValue).toArray(), b));
    }
    return new ReasonCodeExplainer(List.copyOf(groups), width, null, null);
  }

  /**
   * This explainer computing impacts from the model's trees instead of extra inference rows, if the
   * graph {@code onnx} holds one tree ensemble on {@code input} whose scores, through a logistic or
   * identity link, reproduce the model's probabilities of default on probe rows (random rows in the
   * fields' ranges and each one with every field at its baseline) within {@value #TOLERANCE}.
   *
   * @param model the probability of default the served model gives each of the rows it is passed
   *     ({@code [n, width]} flattened)
   * @throws IllegalArgumentException saying why the trees cannot be used
   */
  public ReasonCodeExplainer withTrees(
      byte[] onnx, String input, Function<float[], double[]> model) {
    if (groups.size() > TreeEnsemble.MAX_GROUPS) {
      throw new IllegalArgumentException(
          groups.size() + " fields, more than " + TreeEnsemble.MAX_GROUPS);
    }
    TreeEnsemble ensemble = TreeEnsemble.read(onnx, input, width);
    float[] probe = expand(probeRows(new Random(PROBE_SEED)), PROBE_ROWS);
    double[] expected = model.apply(probe);
    double[] scores = new double[expected.length];
    for (int r = 0; r < scores.length; r++) {
      scores[r] = ensemble.score(probe, r * width);
    }
    double closest = Double.MAX_VALUE;
    for (Link candidate : Link.values()) {
      double worst = 0;
      for (int r = 0; r < scores.length; r++) {
        worst = Math.max(worst, Math.abs(candidate.apply(scores[r]) - expected[r]));
      }
      if (worst <= TOLERANCE) {
        return new ReasonCodeExplainer(groups, width, ensemble, candidate);
      }
      closest = Math.min(closest, worst);
    }
    throw new IllegalArgumentException(
        "the trees' scores differ from the model's by up to "
            + String.format(Locale.ROOT, "%.3g", closest)
            + " on probe rows");
  }

  /** How impacts are computed, for the log. */
  public String method() {
    return trees == null
        ? "perturbation, " + rowsPerApplicant() + " model rows per applicant"
        : "paths of " + trees.trees() + " trees, " + link.name().toLowerCase(Locale.ROOT) + " link";
  }

  private static double scale(FeatureSpec f) {
    return f.scale() == null ? 1 : f.scale();
  }

  /** Rows scored per applicant: the original and, by perturbation, one per field. */
  public int rowsPerApplicant() {
    return trees == null ? perturbedRows() : 1;
  }

  private int perturbedRows() {
    return 1 + groups.size();
  }

  /**
   * Expands {@code n} encoded rows into {@code n * (1 + fields)} rows: each applicant's original
   * row followed by one copy per field with that field at its baseline.
   */
  public float[] expand(float[] rows, int n) {
    int per = perturbedRows();
    float[] out = new float[n * per * width];
    for (int i = 0; i < n; i++) {
      int base = i * per * width;
      for (int r = 0; r < per; r++) {
        System.arraycopy(rows, i * width, out, base + r * width, width);
      }
      for (int g = 0; g < groups.size(); g++) {
        Group group = groups.get(g);
        int at = base + (g + 1) * width;
        for (int k = 0; k < group.columns.length; k++) {
          out[at + group.columns[k]] = group.baseline[k];
        }
      }
    }
    return out;
  }

  /**
   * The top {@code limit} fields that raised applicant {@code i}'s risk, largest impact first; ties
   * broken by field order so the same input always gives the same reasons.
   *
   * @param pd probability of default of every row the model scored ({@link #rowsPerApplicant()} per
   *     applicant)
   * @param rows the applicants' encoded rows, one per applicant
   * @param applicant the applicant's request fields (for the descriptions)
   */
  public List<Reason> reasons(
      double[] pd, float[] rows, int i, Map<String, ?> applicant, int limit) {
    double[] impact = new double[groups.size()];
    if (trees == null) {
      int per = perturbedRows();
      for (int g = 0; g < impact.length; g++) {
        impact[g] = pd[i * per] - pd[i * per + 1 + g];
      }
    } else {
      double[] delta = new double[groups.size()];
      double score =
          trees.deltas(
              rows, i * width, groupOf, replacedDirections, delta, new int[2 * trees.maxDepth()]);
      double original = link.apply(score);
      for (int g = 0; g < impact.length; g++) {
        impact[g] = delta[g] == 0 ? 0 : original - link.apply(score + delta[g]);
      }
    }
    // Only the reasons returned get their text: the largest impacts first, ties in field order.
    int[] top = new int[Math.max(0, limit)];
    int n = 0;
    for (int g = 0; g < impact.length; g++) {
      if (impact[g] <= 0 || (n == top.length && (n == 0 || impact[g] <= impact[top[n - 1]]))) {
        continue;
      }
      int at = n == top.length ? n - 1 : n++;
      while (at > 0 && impact[top[at - 1]] < impact[g]) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = g;
    }
    Reason[] reasons = new Reason[n];
    for (int k = 0; k < n; k++) {
      FeatureSpec f = groups.get(top[k]).spec;
      reasons[k] =
          new Reason(
              code(f, top[k]), describe(f, applicant.get(f.name())), f.name(), impact[top[k]]);
    }
    return List.of(reasons);
  }

  /** Random rows within each field's range: numeric uniform in [min, max], any category. */
  private float[] probeRows(Random random) {
    float[] rows = new float[PROBE_ROWS * width];
    for (int r = 0; r < PROBE_ROWS; r++) {
      for (Group group : groups) {
        FeatureSpec f = group.spec;
        if (f.type() == FeatureSpec.Type.numeric) {
          double center = f.center() == null ? 0 : f.center();
          rows[r * width + f.column()] =
              f.min() != null && f.max() != null
                  ? (float)
                      ((f.min() + random.nextDouble() * (f.max() - f.min()) - center) / scale(f))
                  : (float) random.nextGaussian();
        } else {
          List<Integer> mapped = List.copyOf(f.categories().values());
          int column = mapped.get(random.nextInt(mapped.size()));
          if (column >= 0) {
            rows[r * width + column] = 1;
          }
        }
      }
    }
    return rows;
  }

  private static String code(FeatureSpec f, int index) {
    return f.reasonCode() != null ? f.reasonCode() : String.format("F%02d", index + 1);
  }

  private static String describe(FeatureSpec f, Object value) {
    String text = f.categoryReasons() == null ? null : f.categoryReasons().get(value);
    if (text != null) {
      return text;
    }
    String shown =
        value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
            ? Long.toString((long) n.doubleValue())
            : String.valueOf(value);
    return f.reasonTemplate() != null
        ? f.reasonTemplate().replace("{value}", shown)
        : f.description() + ": " + shown;
  }
}
