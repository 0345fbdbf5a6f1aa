package io.creditscorer.features;

import java.util.Map;

/**
 * One request field of a credit model and how it is encoded into the model's input row.
 *
 * <p>Numeric: the value must lie in [{@code min}, {@code max}] (whole if {@code integer}) and is
 * written to {@code column} as {@code (value - center) / scale}. Categorical: the value must be one
 * of {@code categories}; the mapped column is set to 1 (a category mapped to -1 is valid but has no
 * column of its own, e.g. because it never occurred in the training data).
 *
 * <p>Reason codes: {@code reasonCode} names the feature in adverse-action reasons; the description
 * is {@code reasonTemplate} with {@code {value}} replaced by the applicant's value (numeric), or
 * the category's entry in {@code categoryReasons}.
 */
public record FeatureSpec(
    String name,
    Type type,
    String description,
    Map<String, Integer> categories,
    Integer column,
    Double min,
    Double max,
    Boolean integer,
    Double center,
    Double scale,
    String reasonCode,
    String reasonTemplate,
    Map<String, String> categoryReasons) {

  /** How a field is given and encoded. */
  public enum Type {
    numeric,
    categorical
  }

  public static FeatureSpec numeric(
      String name,
      String description,
      int column,
      double min,
      double max,
      boolean integer,
      double center,
      double scale) {
    return new FeatureSpec(
        name,
        Type.numeric,
        description,
        null,
        column,
        min,
        max,
        integer,
        center,
        scale,
        null,
        null,
        null);
  }

  public static FeatureSpec categorical(
      String name, String description, Map<String, Integer> categories) {
    return new FeatureSpec(
        name,
        Type.categorical,
        description,
        categories,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** This spec with its reason-code texts. */
  public FeatureSpec withReasons(
      String code, String template, Map<String, String> categoryDescriptions) {
    return new FeatureSpec(
        name,
        type,
        description,
        categories,
        column,
        min,
        max,
        integer,
        center,
        scale,
        code,
        template,
        categoryDescriptions);
  }
}
