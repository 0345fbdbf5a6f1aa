package io.creditscorer.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScoreScaleTest {

  final ScoreScale scale = new ScoreScale(600, 50, 20);

  @Test
  void baseOddsEarnTheBaseScoreAndDoublingAddsPdo() {
    assertEquals(600, scale.points(1.0 / 51));
    assertEquals(620, scale.points(1.0 / 101));
    assertEquals(580, scale.points(1.0 / 26));
  }

  @Test
  void extremeProbabilitiesStayFinite() {
    assertEquals(true, scale.points(0) > scale.points(0.001));
    assertEquals(true, scale.points(1) < scale.points(0.999));
  }

  @Test
  void badParametersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ScoreScale(600, 0, 20));
    assertThrows(IllegalArgumentException.class, () -> new DecisionPolicy("p", 0.6, 0.5, null));
  }

  @Test
  void policyThresholds() {
    DecisionPolicy p = new DecisionPolicy("p1", 0.2, 0.5, null);
    assertEquals(Decision.APPROVE, p.decide(0.19999));
    assertEquals(Decision.REFER, p.decide(0.2));
    assertEquals(Decision.REFER, p.decide(0.49999));
    assertEquals(Decision.DECLINE, p.decide(0.5));
  }
}
