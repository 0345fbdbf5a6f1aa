package io.creditscorer.feedback;

/**
 * 95 % confidence intervals for proportions, their differences and their ratios: pure functions of
 * counts, chosen because they stay inside their bounds and behave at small counts and at 0 or 1,
 * where the textbook normal (Wald) interval does not.
 */
public final class Proportions {

  /** The two-sided 95 % quantile of the standard normal distribution. */
  static final double Z = 1.959963984540054;

  /** An interval {@code [lower, upper]}. */
  public record Interval(double lower, double upper) {}

  private Proportions() {}

  /** Wilson's score interval for {@code k} successes in {@code n > 0} trials. */
  public static Interval wilson(int k, int n) {
    double p = (double) k / n;
    double z2 = Z * Z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /**
   * Newcombe's hybrid score interval (his method 10) for {@code k1/n1 - k2/n2}, built from the two
   * Wilson intervals.
   */
  public static Interval difference(int k1, int n1, int k2, int n2) {
    double p1 = (double) k1 / n1;
    double p2 = (double) k2 / n2;
    Interval w1 = wilson(k1, n1);
    Interval w2 = wilson(k2, n2);
    double d = p1 - p2;
    return new Interval(
        d - Math.sqrt(square(p1 - w1.lower()) + square(w2.upper() - p2)),
        d + Math.sqrt(square(w1.upper() - p1) + square(p2 - w2.lower())));
  }

  /**
   * The Katz log interval for the ratio {@code (k1/n1) / (k2/n2)}; when a count is 0 or all of its
   * trials, one half is added to every cell (Haldane), so the interval stays finite. Requires
   * {@code k2 > 0} or the correction.
   */
  public static Interval ratio(int k1, int n1, int k2, int n2) {
    double a = k1;
    double m1 = n1;
    double c = k2;
    double m2 = n2;
    if (k1 == 0 || k2 == 0 || k1 == n1 || k2 == n2) {
      a += 0.5;
      m1 += 1;
      c += 0.5;
      m2 += 1;
    }
    double log = Math.log((a / m1) / (c / m2));
    double se = Math.sqrt(1 / a - 1 / m1 + 1 / c - 1 / m2);
    return new Interval(Math.exp(log - Z * se), Math.exp(log + Z * se));
  }

  private static double square(double x) {
    return x * x;
  }
}
