package io.creditscorer.scoring;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 of JSON-like values in a canonical form (object keys sorted, numbers by value, so {@code
 * 6} and {@code 6.0} agree). Identifies a request body for idempotency and an applicant's input in
 * audit records without storing the values themselves.
 */
public final class Fingerprints {

  private Fingerprints() {}

  public static String of(Object value) {
    StringBuilder canonical = new StringBuilder();
    write(value, canonical);
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Object v, StringBuilder out) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Map<?, ?> m) {
      out.append('{');
      new TreeMap<>(stringKeys(m))
          .forEach(
              (k, x) -> {
                out.append('"').append(escape(k)).append("\":");
                write(x, out);
                out.append(',');
              });
      out.append('}');
    } else if (v instanceof List<?> l) {
      out.append('[');
      l.forEach(
          x -> {
            write(x, out);
            out.append(',');
          });
      out.append(']');
    } else if (v instanceof Number n) {
      out.append(new BigDecimal(n.toString()).stripTrailingZeros().toPlainString());
    } else if (v instanceof String s) {
      out.append('"').append(escape(s)).append('"');
    } else {
      out.append(v);
    }
  }

  private static Map<String, Object> stringKeys(Map<?, ?> m) {
    Map<String, Object> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
