package io.creditscorer.scoring;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * SHA-256 of JSON-like values in a canonical form (object keys sorted, numbers by value, so {@code
 * 6} and {@code 6.0} agree). Identifies a request body for idempotency and an applicant's input in
 * audit records without storing the values themselves.
 */
public final class Fingerprints {

  private Fingerprints() {}

  private static final Comparator<Map.Entry<?, ?>> BY_KEY =
      Comparator.comparing(e -> String.valueOf(e.getKey()));

  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });

  public static String of(Object value) {
    StringBuilder canonical = new StringBuilder(512);
    write(value, canonical);
    return HexFormat.of()
        .formatHex(SHA_256.get().digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
  }

  // Hot path: runs for every scored applicant (audit) and every idempotent request. One sorted
  // array
  // of each map's entries, escaping without intermediate strings, and integers without BigDecimal;
  // the
  // canonical form is unchanged (FingerprintsTest pins it).
  private static void write(Object v, StringBuilder out) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Map<?, ?> m) {
      out.append('{');
      for (Map.Entry<?, ?> e : sortedByKey(m)) {
        out.append('"');
        escape(String.valueOf(e.getKey()), out);
        out.append("\":");
        write(e.getValue(), out);
        out.append(',');
      }
      out.append('}');
    } else if (v instanceof List<?> l) {
      out.append('[');
      for (Object x : l) {
        write(x, out);
        out.append(',');
      }
      out.append(']');
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte) {
      out.append(((Number) v).longValue());
    } else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      out.append(d.longValue()); // a whole number: as BigDecimal below would write it
    } else if (v instanceof Number n) {
      out.append(new BigDecimal(n.toString()).stripTrailingZeros().toPlainString());
    } else if (v instanceof String s) {
      out.append('"');
      escape(s, out);
      out.append('"');
    } else {
      out.append(v);
    }
  }

  private static Map.Entry<?, ?>[] sortedByKey(Map<?, ?> m) {
    Map.Entry<?, ?>[] entries = m.entrySet().toArray(new Map.Entry<?, ?>[0]);
    Arrays.sort(entries, BY_KEY);
    return entries;
  }

  /** Backslash and double quote get a backslash before them. */
  private static void escape(String s, StringBuilder out) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '"') {
        out.append('\\');
      }
      out.append(c);
    }
  }
}
