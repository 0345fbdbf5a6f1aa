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

  private static final Comparator<Map.Entry<?, ?>> BY_KEY = (a, b) -> key(a).compareTo(key(b));

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
    return sha256(canonical);
  }

  /** The fingerprint of {@code fields} without the field {@code except}, with no copy made. */
  public static String ofAllBut(Map<String, ?> fields, String except) {
    StringBuilder canonical = new StringBuilder(512);
    writeMap(fields, except, canonical);
    return sha256(canonical);
  }

  private static String sha256(StringBuilder canonical) {
    return HexFormat.of()
        .formatHex(SHA_256.get().digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
  }

  // Hot path: runs for every scored applicant (audit) and every idempotent request. One sorted
  // array of each map's entries, strings copied whole unless they need escaping, and integers
  // without BigDecimal; the canonical form is unchanged (FingerprintsTest pins it).
  private static void write(Object v, StringBuilder out) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Map<?, ?> m) {
      writeMap(m, null, out);
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

  private static void writeMap(Map<?, ?> m, String except, StringBuilder out) {
    out.append('{');
    for (Map.Entry<?, ?> e : sortedByKey(m)) {
      String key = key(e);
      if (key.equals(except)) {
        continue;
      }
      out.append('"');
      escape(key, out);
      out.append("\":");
      write(e.getValue(), out);
      out.append(',');
    }
    out.append('}');
  }

  private static Map.Entry<?, ?>[] sortedByKey(Map<?, ?> m) {
    Map.Entry<?, ?>[] entries = m.entrySet().toArray(new Map.Entry<?, ?>[0]);
    Arrays.sort(entries, BY_KEY);
    return entries;
  }

  private static String key(Map.Entry<?, ?> e) {
    return e.getKey() instanceof String s ? s : String.valueOf(e.getKey());
  }

  /** Backslash and double quote get a backslash before them. */
  private static void escape(String s, StringBuilder out) {
    if (s.indexOf('"') < 0 && s.indexOf('\\') < 0) {
      out.append(s); // the common case: copied in one go
      return;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '"') {
        out.append('\\');
      }
      out.append(c);
    }
  }
}
