package io.creditscorer.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes one JSON value per line. The factory puts nothing between root values (each writer ends
 * its line itself) and writes doubles in their shortest form (Schubfach: the same digits as {@code
 * Double.toString} on Java 19 and later, and cheaper than it on Java 17).
 *
 * <p>An instance writes timestamps as {@link Instant#toString} does, reusing the date and time up
 * to the second while the second is unchanged: the lines of one block are written within the same
 * second or two. Not thread-safe: one per writer thread.
 */
public final class JsonLines {

  public static final JsonFactory FACTORY =
      new JsonFactoryBuilder()
          .rootValueSeparator((String) null)
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build();

  private static final int PREFIX = "2026-11-29T10:00:00".length();

  private final char[] text = new char[PREFIX + ".123456789Z".length()];
  private long second = Long.MIN_VALUE;
  private boolean fourDigitYear;

  /** A field name, quoted and encoded once. */
  public static SerializableString name(String field) {
    return new SerializedString(field);
  }

  /** Writes {@code field: "t"} with {@code t} as {@link Instant#toString} writes it. */
  public void writeInstant(JsonGenerator g, SerializableString field, Instant t)
      throws IOException {
    g.writeFieldName(field);
    if (t.getEpochSecond() != second) {
      second = t.getEpochSecond();
      fourDigitYear = prefix(second);
    }
    if (!fourDigitYear) {
      g.writeString(t.toString()); // years before 0 or after 9999 take a sign; not worth a cache
      return;
    }
    int n = PREFIX;
    int nano = t.getNano();
    if (nano != 0) {
      int digits = nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
      int v = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1000 : nano;
      text[n++] = '.';
      for (int i = n + digits - 1; i >= n; i--) {
        text[i] = (char) ('0' + v % 10);
        v /= 10;
      }
      n += digits;
    }
    text[n++] = 'Z';
    g.writeString(text, 0, n);
  }

  /** Writes "yyyy-MM-ddTHH:mm:ss" of {@code epochSecond}; false when the year is not 4 digits. */
  private boolean prefix(long epochSecond) {
    LocalDateTime t;
    try {
      t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    } catch (java.time.DateTimeException outOfRange) {
      return false;
    }
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return false;
    }
    digits(0, t.getYear(), 4);
    text[4] = '-';
    digits(5, t.getMonthValue(), 2);
    text[7] = '-';
    digits(8, t.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(11, t.getHour(), 2);
    text[13] = ':';
    digits(14, t.getMinute(), 2);
    text[16] = ':';
    digits(17, t.getSecond(), 2);
    return true;
  }

  private void digits(int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
