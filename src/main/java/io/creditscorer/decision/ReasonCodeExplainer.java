package io.creditscorer.decision;

import io.creditscorer.features.FeatureSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Model-agnostic adverse-action reasons. For each request field (a feature group: one numeric
 * column, or all one-hot columns of a category), the applicant's encoded values are replaced by the
 * training baseline (the mean of those columns: for a standardised numeric field 0, for a category
 * each category's share). The original row and all perturbed rows are scored in one inference call;
 * a field's impact is {@code pd(original) - pd(field at baseline)}. For a linear model this ranks
 * fields exactly by {@code coefficient x (value - baseline)}, since the logit difference is that
 * sum.
 *
 * <p>Built once per model version; immutable and thread-safe.
 */
public final class ReasonCodeExplainer {

  private record Group(FeatureSpec spec, int[] columns, float[] baseline) {}

  private final List<Group> groups;
  private final int width;

  private ReasonCodeExplainer(List<Group> groups, int width) {
    this.groups = groups;
    this.width = width;
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
    return new ReasonCodeExplainer(List.copyOf(groups), width);
  }

  private static double scale(FeatureSpec f) {
    return f.scale() == null ? 1 : f.scale();
  }

  /** Rows scored per applicant: the original and one per field. */
  public int rowsPerApplicant() {
    return 1 + groups.size();
  }

  /**
   * Expands {@code n} encoded rows into {@code n * rowsPerApplicant()} rows: each applicant's
   * original row followed by one copy per field with that field at its baseline.
   */
  public float[] expand(float[] rows, int n) {
    int per = rowsPerApplicant();
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
   * @param pd probability of default of every expanded row
   * @param applicant the applicant's request fields (for the descriptions)
   */
  public List<Reason> reasons(double[] pd, int i, Map<String, ?> applicant, int limit) {
    int per = rowsPerApplicant();
    double original = pd[i * per];
    List<Reason> raised = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      double impact = original - pd[i * per + 1 + g];
      if (impact > 0) {
        FeatureSpec f = groups.get(g).spec;
        raised.add(new Reason(code(f, g), describe(f, applicant.get(f.name())), f.name(), impact));
      }
    }
    raised.sort(Comparator.comparingDouble(Reason::impact).reversed());
    return raised.size() > limit ? List.copyOf(raised.subList(0, limit)) : List.copyOf(raised);
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
