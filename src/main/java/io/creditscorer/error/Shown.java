package io.creditscorer.error;

/**
 * Text that goes back to a caller or into a log line, made safe and bounded: characters that are
 * not printable (controls, lone surrogates, unassigned code points) become U+FFFD, and text longer
 * than the limit is cut (never inside a surrogate pair) and ends in an ellipsis. A caller's
 * multi-megabyte field name or value therefore never comes back in full.
 */
public final class Shown {

  private Shown() {}

  /** {@code text} with at most {@code max} characters (UTF-16 units), printable. */
  public static String text(String text, int max) {
    if (text == null) {
      return null;
    }
    int end = text.length();
    boolean cut = false;
    if (end > max) {
      end = Math.max(0, max - 1);
      if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      cut = true;
    }
    StringBuilder out = null;
    for (int i = 0; i < end; ) {
      int c = text.codePointAt(i);
      int n = Character.charCount(c);
      boolean printable = isPrintable(c) && i + n <= end;
      if (!printable && out == null) {
        out = new StringBuilder(end + 1).append(text, 0, i);
      }
      if (out != null) {
        if (printable) {
          out.appendCodePoint(c);
        } else {
          out.append('\uFFFD');
        }
      }
      i += n;
    }
    if (out == null) {
      return cut ? text.substring(0, end) + '…' : text;
    }
    return cut ? out.append('…').toString() : out.toString();
  }

  /**
   * Whether {@code c} is a character a person can read in a message: assigned, not a control or
   * format character, not a lone surrogate. Spaces count as printable.
   */
  public static boolean isPrintable(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.UNASSIGNED,
          Character.PRIVATE_USE,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          false;
      default -> true;
    };
  }

  /**
   * Whether every character of {@code text} is printable and every surrogate is paired (valid
   * Unicode a person can read).
   */
  public static boolean isPrintable(String text) {
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (!isPrintable(c)) {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }
}
