package io.creditscorer.scoring;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;

/**
 * SHA-256 of JSON-like values in a canonical form (object keys sorted, numbers by value, so {@code
 * 6} and {@code 6.0} agree). Identifies a request body for idempotency and an applicant's input in
 * audit records without storing the values themselves.
 */
public final class Fingerprints {

  private Fingerprints() {}

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** Each thread's digest and canonical-form buffer, reused call after call. */
  private static final ThreadLocal<Canonical> CANONICAL = ThreadLocal.withInitial(Canonical::new);

  public static String of(Object value) {
    Canonical out = CANONICAL.get().reset();
    write(value, out);
    return out.sha256();
  }

  /**
   * HMAC-SHA256 under {@code key} of {@code fields} without the field {@code except}, in the same
   * canonical form, with no copy made: the audit fingerprint, which cannot be recomputed without
   * the key.
   */
  public static String keyedOfAllBut(Map<String, ?> fields, String except, AuditKey key) {
    Canonical out = CANONICAL.get().reset();
    writeMap(fields, except, out);
    return out.hmac(key);
  }

  /** The fingerprint of {@code fields} without the field {@code except}, with no copy made. */
  public static String ofAllBut(Map<String, ?> fields, String except) {
    Canonical out = CANONICAL.get().reset();
    writeMap(fields, except, out);
    return out.sha256();
  }

  // Hot path: runs for every scored applicant (audit) and every idempotent request. The canonical
  // form goes straight into a reused UTF-8 buffer: one sorted array of each map's entries, ASCII
  // copied byte by byte, integers without BigDecimal or a String; the form is unchanged
  // (FingerprintsTest pins it).
  private static void write(Object v, Canonical out) {
    if (v == null) {
      out.ascii("null");
    } else if (v instanceof Map<?, ?> m) {
      writeMap(m, null, out);
    } else if (v instanceof List<?> l) {
      out.put('[');
      for (Object x : l) {
        write(x, out);
        out.put(',');
      }
      out.put(']');
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte) {
      out.integer(((Number) v).longValue());
    } else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      out.integer(d.longValue()); // a whole number: as BigDecimal below would write it
    } else if ((v instanceof Double d && !Double.isFinite(d))
        || (v instanceof Float f && !Float.isFinite(f))) {
      out.ascii(v.toString()); // a number too large for a double (1e400): no decimal form
    } else if (v instanceof Number n) {
      out.ascii(new BigDecimal(n.toString()).stripTrailingZeros().toPlainString());
    } else if (v instanceof String s) {
      out.put('"');
      out.escaped(s);
      out.put('"');
    } else {
      out.escapedOrNot(String.valueOf(v), false);
    }
  }

  private static void writeMap(Map<?, ?> m, String except, Canonical out) {
    out.put('{');
    for (Map.Entry<?, ?> e : out.sortedByKey(m)) {
      String key = key(e);
      if (key.equals(except)) {
        continue;
      }
      out.put('"');
      out.escaped(key);
      out.put('"');
      out.put(':');
      write(e.getValue(), out);
      out.put(',');
    }
    out.put('}');
  }

  private static String key(Map.Entry<?, ?> e) {
    return e.getKey() instanceof String s ? s : String.valueOf(e.getKey());
  }

  /** A growable UTF-8 buffer and the SHA-256 of what it holds. */
  private static final class Canonical {
    private final MessageDigest sha256;
    private byte[] bytes = new byte[512];
    private int length;
    // The key order of the last map sorted, and its sorted positions: decoded bodies repeat the
    // same key objects in the same order request after request, so most maps need no sort.
    private Object[] lastKeys = new Object[0];
    private int[] lastOrder = new int[0];
    private Mac mac;
    private AuditKey macKey;

    Canonical() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    Canonical reset() {
      if (bytes.length > 1 << 16) {
        bytes = new byte[512]; // a large idempotent body's form is not kept for good
      }
      length = 0;
      return this;
    }

    Map.Entry<?, ?>[] sortedByKey(Map<?, ?> m) {
      Map.Entry<?, ?>[] entries = m.entrySet().toArray(new Map.Entry<?, ?>[0]);
      int n = entries.length;
      boolean same = n == lastKeys.length;
      for (int i = 0; same && i < n; i++) {
        same = entries[i].getKey() == lastKeys[i];
      }
      Map.Entry<?, ?>[] sorted = new Map.Entry<?, ?>[n];
      if (same) {
        for (int i = 0; i < n; i++) {
          sorted[i] = entries[lastOrder[i]];
        }
        return sorted;
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> key(entries[a]).compareTo(key(entries[b])));
      lastKeys = new Object[n];
      lastOrder = new int[n];
      for (int i = 0; i < n; i++) {
        lastKeys[i] = entries[i].getKey();
        lastOrder[i] = order[i];
        sorted[i] = entries[order[i]];
      }
      return sorted;
    }

    String sha256() {
      sha256.update(bytes, 0, length);
      return hex(sha256.digest());
    }

    /** The keyed digest; the Mac is set to a key once, and again only when the key changes. */
    String hmac(AuditKey key) {
      try {
        if (mac == null) {
          mac = Mac.getInstance("HmacSHA256");
        }
        if (macKey != key) {
          mac.init(key.key());
          macKey = key;
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      mac.update(bytes, 0, length);
      return hex(mac.doFinal());
    }

    private static String hex(byte[] digest) {
      byte[] hex = new byte[digest.length * 2];
      for (int i = 0; i < digest.length; i++) {
        hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
        hex[2 * i + 1] = HEX[digest[i] & 0xf];
      }
      return new String(hex, StandardCharsets.ISO_8859_1);
    }

    void put(char c) {
      room(1);
      bytes[length++] = (byte) c;
    }

    void ascii(String s) {
      room(s.length());
      for (int i = 0; i < s.length(); i++) {
        bytes[length++] = (byte) s.charAt(i);
      }
    }

    /** Backslash and double quote get a backslash before them. */
    void escaped(String s) {
      escapedOrNot(s, true);
    }

    void escapedOrNot(String s, boolean escape) {
      int n = s.length();
      room(2 * n);
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) { // the rest as UTF-8, whose multi-byte sequences hold no '"' or '\\'
          byte[] utf8 = s.substring(i).getBytes(StandardCharsets.UTF_8);
          room(2 * utf8.length);
          for (byte b : utf8) {
            if (escape && (b == '"' || b == '\\')) {
              bytes[length++] = '\\';
            }
            bytes[length++] = b;
          }
          return;
        }
        if (escape && (c == '"' || c == '\\')) {
          bytes[length++] = '\\';
        }
        bytes[length++] = (byte) c;
      }
    }

    void integer(long v) {
      if (v == Long.MIN_VALUE) {
        ascii(Long.toString(v));
        return;
      }
      room(20);
      if (v < 0) {
        bytes[length++] = '-';
        v = -v;
      }
      int start = length;
      do {
        bytes[length++] = (byte) ('0' + v % 10);
        v /= 10;
      } while (v != 0);
      for (int i = start, j = length - 1; i < j; i++, j--) {
        byte t = bytes[i];
        bytes[i] = bytes[j];
        bytes[j] = t;
      }
    }

    private void room(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
  }
}
