package io.creditscorer.repository;

import java.util.Comparator;

/**
 * Versions compare numerically when both are whole numbers in canonical form (ASCII digits, no
 * leading zero), else as text; numbers first. So {@code 02} or {@code ٢} is not version 2.
 */
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
    if (s.isEmpty() || s.length() >= 19 || (s.length() > 1 && s.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
