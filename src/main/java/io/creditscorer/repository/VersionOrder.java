package io.creditscorer.repository;

import java.util.Comparator;

/** Versions compare numerically when both are whole numbers, else as text; numbers first. */
final class VersionOrder implements Comparator<String> {

  @Override
  public int compare(String a, String b) {
    boolean na = isWholeNumber(a);
    boolean nb = isWholeNumber(b);
    if (na && nb) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    return na != nb ? (na ? -1 : 1) : a.compareTo(b);
  }

  // Runs on every lookup of an explicit version (the versions' map is ordered by it): no streams.
  private static boolean isWholeNumber(String s) {
    if (s.isEmpty() || s.length() >= 19) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
