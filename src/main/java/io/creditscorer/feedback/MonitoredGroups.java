package io.creditscorer.feedback;

import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.Shown;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The group attributes fairness monitoring accepts, and the values each may take ({@code
 * scorer.fairness.attributes.*}). Group labels are monitoring data only: they are stored beside
 * decisions, never given to a model, a reason code, the audit trail, an answer or a log.
 *
 * <p>Stored labels are one text, {@code name=value} pairs joined by {@code ;} in name order, so
 * both stores keep them as one value and a merge needs no schema.
 */
public final class MonitoredGroups {

  /** The default set: sex, age band and foreign worker, as German Credit records them. */
  public static final MonitoredGroups DEFAULT =
      new MonitoredGroups(
          orderedOf(
              "sex", List.of("male", "female"),
              "age_band", List.of("<25", "25-34", "35-44", "45-54", "55+"),
              "foreign_worker", List.of("yes", "no")));

  /** Most attributes and values per attribute, so labels and gauges stay bounded. */
  static final int MAX_ATTRIBUTES = 16;

  static final int MAX_VALUES = 32;
  static final int MAX_CHARS = 32;

  private final Map<String, List<String>> attributes;

  /**
   * @param attributes each attribute's name and its values, in the order reports list them
   * @throws IllegalArgumentException when a name or value is empty, too long, repeated or holds one
   *     of {@code ;=,} or a control character
   */
  public MonitoredGroups(Map<String, List<String>> attributes) {
    if (attributes.isEmpty() || attributes.size() > MAX_ATTRIBUTES) {
      throw new IllegalArgumentException(
          "scorer.fairness.attributes must name 1 to " + MAX_ATTRIBUTES + " attributes");
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    attributes.forEach(
        (name, values) -> {
          checkText("scorer.fairness.attributes name", name);
          if (values.isEmpty()
              || values.size() > MAX_VALUES
              || values.stream().distinct().count() != values.size()) {
            throw new IllegalArgumentException(
                "scorer.fairness.attributes."
                    + name
                    + " must list 1 to "
                    + MAX_VALUES
                    + " distinct values");
          }
          values.forEach(v -> checkText("scorer.fairness.attributes." + name + " value", v));
          copy.put(name, List.copyOf(values));
        });
    this.attributes = Collections.unmodifiableMap(copy);
  }

  private static Map<String, List<String>> orderedOf(Object... pairs) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> values = (List<String>) pairs[i + 1];
      m.put((String) pairs[i], values);
    }
    return m;
  }

  private static void checkText(String what, String s) {
    if (s == null
        || s.isEmpty()
        || s.length() > MAX_CHARS
        || !Shown.isPrintable(s)
        || s.chars().anyMatch(c -> c == ';' || c == '=' || c == ',' || Character.isWhitespace(c))) {
      throw new IllegalArgumentException(
          what + " '" + s + "' must be 1 to " + MAX_CHARS + " printable characters, none of ;=,");
    }
  }

  /** Each attribute and its values, in configuration order. */
  public Map<String, List<String>> attributes() {
    return attributes;
  }

  /**
   * Every attribute or value of {@code groups} that is not configured, named under {@code path}
   * (e.g. {@code outcomes[2].groups}).
   */
  List<FieldError> check(String path, Map<String, String> groups) {
    List<FieldError> errors = new ArrayList<>();
    groups.forEach(
        (name, value) -> {
          List<String> allowed = attributes.get(name);
          if (allowed == null) {
            errors.add(
                new FieldError(
                    path + "." + name,
                    "is not a monitored attribute: one of "
                        + String.join(", ", attributes.keySet())));
          } else if (!allowed.contains(value)) {
            errors.add(
                new FieldError(
                    path + "." + name,
                    "'" + value + "' is not one of its values: " + String.join(", ", allowed)));
          }
        });
    return errors;
  }

  /** The stored text of checked labels; {@code null} for none. */
  static String encode(Map<String, String> groups) {
    if (groups == null || groups.isEmpty()) {
      return null;
    }
    StringBuilder s = new StringBuilder();
    new TreeMap<>(groups)
        .forEach(
            (name, value) ->
                s.append(s.isEmpty() ? "" : ";").append(name).append('=').append(value));
    return s.toString();
  }

  /** The labels of a stored text ({@code null}: none). */
  static Map<String, String> decode(String stored) {
    Map<String, String> groups = new TreeMap<>();
    if (stored != null && !stored.isEmpty()) {
      for (String pair : stored.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          groups.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return groups;
  }

  /**
   * The labels of {@code older} with those of {@code newer} put over them, attribute by attribute.
   */
  static String merge(String older, String newer) {
    Map<String, String> merged = decode(older);
    merged.putAll(decode(newer));
    return encode(merged);
  }
}
