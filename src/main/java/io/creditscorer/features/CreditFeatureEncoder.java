package io.creditscorer.features;

import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates an applicant's fields and writes them into a model's FP32 input row. Built once per
 * model version from its descriptor; immutable and safe for any number of threads. The training
 * pipeline encodes its rows with the same class, so training and serving cannot drift apart.
 */
public final class CreditFeatureEncoder {

  /** The optional identifier every applicant may carry; it is never a model input. */
  public static final String APPLICANT_ID = "applicant_id";

  private final List<FeatureSpec> features;
  private final Map<String, Slot> slots;
  private final Set<String> protectedAttributes;
  private final int width;

  private CreditFeatureEncoder(
      List<FeatureSpec> features, Collection<String> protectedAttributes, int width) {
    this.features = List.copyOf(features);
    this.protectedAttributes = Set.copyOf(protectedAttributes);
    this.width = width;
    this.slots = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      slots.put(features.get(i).name(), new Slot(i, features.get(i)));
    }
  }

  /**
   * Checks the specs against a row width and precompiles the lookups.
   *
   * @throws IllegalArgumentException naming the feature whose spec is inconsistent
   */
  public static CreditFeatureEncoder of(
      List<FeatureSpec> features, Collection<String> protectedAttributes, int width) {
    Set<Integer> used = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (FeatureSpec f : features) {
      if (f.name() == null || f.type() == null) {
        throw new IllegalArgumentException("every feature needs a name and a type");
      }
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("feature " + f.name() + " is declared twice");
      }
      if (protectedAttributes.contains(f.name())) {
        throw new IllegalArgumentException(
            "feature " + f.name() + " is a protected attribute and cannot be a model input");
      }
      List<Integer> columns = new ArrayList<>();
      if (f.type() == FeatureSpec.Type.numeric) {
        if (f.column() == null || f.min() == null || f.max() == null || f.min() > f.max()) {
          throw new IllegalArgumentException(
              "numeric feature " + f.name() + " needs column, and min <= max");
        }
        if (f.scale() != null && !(f.scale() > 0)) {
          throw new IllegalArgumentException("feature " + f.name() + " needs scale > 0");
        }
        columns.add(f.column());
      } else {
        if (f.categories() == null || f.categories().isEmpty()) {
          throw new IllegalArgumentException(
              "categorical feature " + f.name() + " needs categories");
        }
        f.categories().values().stream().filter(c -> c >= 0).forEach(columns::add);
      }
      for (int c : columns) {
        if (c < 0 || c >= width || !used.add(c)) {
          throw new IllegalArgumentException(
              "feature "
                  + f.name()
                  + " maps to column "
                  + c
                  + ", which is outside the input width "
                  + width
                  + " or used twice");
        }
      }
    }
    return new CreditFeatureEncoder(features, protectedAttributes, width);
  }

  /** Number of FP32 values in one encoded row. */
  public int width() {
    return width;
  }

  public List<FeatureSpec> features() {
    return features;
  }

  /** Whether {@code applicant} names every feature (values are not checked). */
  public boolean isComplete(Map<String, ?> applicant) {
    for (FeatureSpec f : features) {
      if (!applicant.containsKey(f.name())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Validates {@code applicant} and encodes it into {@code out[offset, offset + width)}, which must
   * be zero. Field values are what a JSON parser yields: {@link String}, {@link Number}, {@link
   * Boolean}, {@code null}, or a list or map.
   *
   * @param path prefix of field names in errors, e.g. {@code applicants[3]}
   * @param errors receives one entry per offending field
   * @return whether the applicant was valid (the row is meaningless otherwise)
   */
  public boolean encode(
      Map<String, ?> applicant, float[] out, int offset, String path, List<FieldError> errors) {
    int before = errors.size();
    boolean[] seen = new boolean[features.size()];
    for (Map.Entry<String, ?> field : applicant.entrySet()) {
      String name = field.getKey();
      if (APPLICANT_ID.equals(name)) {
        continue;
      }
      Slot slot = slots.get(name);
      if (slot == null) {
        boolean shown = errors.size() < InvalidInputException.MAX_ERRORS;
        errors.add(new FieldError(path + "." + name, unknownFieldProblem(name, shown)));
        continue;
      }
      seen[slot.index] = true;
      String problem = slot.write(field.getValue(), out, offset);
      if (problem != null) {
        errors.add(new FieldError(path + "." + name, problem));
      }
    }
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i]) {
        errors.add(new FieldError(path + "." + features.get(i).name(), "is required"));
      }
    }
    return errors.size() == before;
  }

  /**
   * Unknown names longer than this get no suggestion: a suggestion costs an edit distance to every
   * field, and a caller controls how long and how many the names are.
   */
  static final int MAX_SUGGESTED_NAME = 40;

  /** The problem with an unknown field; a suggestion only for one the answer will show. */
  private String unknownFieldProblem(String name, boolean shown) {
    if (protectedAttributes.contains(name)) {
      return "is a protected attribute and must not be supplied; it is never used in a decision";
    }
    if (!shown || name.length() > MAX_SUGGESTED_NAME) {
      return "unknown field"; // no field name is this long: nothing close to suggest
    }
    String closest = null;
    int best = Integer.MAX_VALUE;
    for (String candidate : slots.keySet()) {
      int d = editDistance(name, candidate);
      if (d < best) {
        best = d;
        closest = candidate;
      }
    }
    return best <= 3 ? "unknown field; did you mean '" + closest + "'?" : "unknown field";
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String jsonType(Object value) {
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof Map) {
      return "an object";
    }
    return value instanceof List ? "an array" : "a " + value.getClass().getSimpleName();
  }

  /** A precompiled feature: where it goes and how it is checked. */
  private static final class Slot {
    final int index;
    final FeatureSpec spec;
    final boolean numeric;
    final int column;
    final double min;
    final double max;
    final boolean integer;
    final double center;
    final double scale;
    final Map<String, Integer> categories;
    final String categoryList;

    Slot(int index, FeatureSpec spec) {
      this.index = index;
      this.spec = spec;
      this.numeric = spec.type() == FeatureSpec.Type.numeric;
      this.column = numeric ? spec.column() : -1;
      this.min = numeric ? spec.min() : 0;
      this.max = numeric ? spec.max() : 0;
      this.integer = numeric && Boolean.TRUE.equals(spec.integer());
      this.center = numeric && spec.center() != null ? spec.center() : 0;
      this.scale = numeric && spec.scale() != null ? spec.scale() : 1;
      this.categories = numeric ? Map.of() : Map.copyOf(spec.categories());
      this.categoryList =
          numeric
              ? ""
              : spec.categories().keySet().stream()
                  .map(c -> "'" + c + "'")
                  .collect(Collectors.joining(", "));
    }

    /** Writes the value, or returns the problem with it. */
    String write(Object value, float[] out, int offset) {
      if (value == null) {
        return "must not be null";
      }
      if (numeric) {
        if (!(value instanceof Number)) {
          return "must be a number, not " + jsonType(value);
        }
        double x = ((Number) value).doubleValue();
        if (!Double.isFinite(x)) {
          return "must be a finite number";
        }
        if (integer && x != Math.rint(x)) {
          return "must be a whole number";
        }
        if (x < min) {
          return "must be at least " + plain(min) + ", got " + plain(x);
        }
        if (x > max) {
          return "must be at most " + plain(max) + ", got " + plain(x);
        }
        out[offset + column] = encode(x);
        return null;
      }
      if (!(value instanceof String)) {
        return "must be one of the categories (a string), not " + jsonType(value);
      }
      Integer target = categories.get(value);
      if (target == null) {
        return "unknown category '" + value + "'; expected one of " + categoryList;
      }
      if (target >= 0) {
        out[offset + target] = 1f;
      }
      return null;
    }

    float encode(double x) {
      return (float) ((x - center) / scale);
    }

    private static String plain(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
  }
}
