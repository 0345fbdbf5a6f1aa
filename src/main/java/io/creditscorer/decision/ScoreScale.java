package io.creditscorer.decision;

/**
 * Points-to-double-the-odds scale: {@code score = baseScore + pdo / ln 2 * ln(odds / baseOdds)},
 * where {@code odds = (1 - pd) / pd} are the good:bad odds. With the defaults an applicant at 50:1
 * scores 600 and every doubling of the odds adds 20 points.
 *
 * @param baseScore points at {@code baseOdds}
 * @param baseOdds good:bad odds that earn {@code baseScore}
 * @param pointsToDoubleOdds points added each time the odds double
 */
public record ScoreScale(double baseScore, double baseOdds, double pointsToDoubleOdds) {

  /** Probabilities are clamped to this distance from 0 and 1 so the score stays finite. */
  private static final double EPSILON = 1e-9;

  public ScoreScale {
    if (!(baseOdds > 0) || !(pointsToDoubleOdds > 0)) {
      throw new IllegalArgumentException(
          "score_scale needs base_odds > 0 and points_to_double_odds > 0");
    }
  }

  /** The score of a probability of default, rounded to whole points. */
  public int points(double probabilityOfDefault) {
    double pd = Math.min(1 - EPSILON, Math.max(EPSILON, probabilityOfDefault));
    double odds = (1 - pd) / pd;
    return (int)
        Math.round(baseScore + pointsToDoubleOdds / Math.log(2) * Math.log(odds / baseOdds));
  }
}
