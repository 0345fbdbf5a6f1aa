package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.feedback.FairnessWindows.AttributeFairness;
import io.creditscorer.feedback.FairnessWindows.Figure;
import io.creditscorer.feedback.FairnessWindows.GroupFairness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fairness figures over a real embedded store, with the time moved by hand. */
class FairnessWindowsTest {

  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  static final FairnessWindows.Settings SETTINGS =
      new FairnessWindows.Settings(MonitoredGroups.DEFAULT, 30, 0.1);

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  FileDecisionStore store;
  int next;

  @BeforeEach
  void open() {
    store = FileDecisionStore.open(dir, 100_000, Duration.ofDays(400), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  /**
   * {@code n} decisions labelled {@code groups}, decided now; with an outcome observed now when
   * {@code defaulted} is not null.
   */
  void decide(int n, String groups, String decision, double pd, Boolean defaulted) {
    List<DecisionStore.NewDecision> batch = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "r" + next++;
      ids.add(id);
      batch.add(
          new DecisionStore.NewDecision(
              id, null, "credit-risk", "2", pd, 600, decision, clock.instant()));
    }
    store.add(batch);
    List<DecisionStore.NewLabels> labels = new ArrayList<>();
    List<DecisionStore.NewOutcome> outcomes = new ArrayList<>();
    for (String id : ids) {
      DecisionStore.Entry e = ((DecisionStore.Found) store.find(id, null)).entry();
      labels.add(new DecisionStore.NewLabels(e, groups));
      if (defaulted != null) {
        outcomes.add(new DecisionStore.NewOutcome(e, defaulted, clock.instant()));
      }
    }
    store.labelAll(labels);
    store.recordAll(outcomes);
  }

  FairnessWindows.Report compute(int maxEntries, Duration maxAge) {
    return FairnessWindows.compute(
        store, clock.instant(), new PerformanceWindows.Settings(maxEntries, maxAge, 10), SETTINGS);
  }

  FairnessWindows.Report compute() {
    return compute(5000, Duration.ofDays(90));
  }

  static AttributeFairness attribute(FairnessWindows.Report r, String name) {
    assertEquals(1, r.versions().size());
    return r.versions().get(0).attributes().stream()
        .filter(a -> a.attribute().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static GroupFairness group(FairnessWindows.Report r, String attribute, String group) {
    return attribute(r, attribute).groups().stream()
        .filter(g -> g.group().equals(group))
        .findFirst()
        .orElseThrow();
  }

  static void assertRate(double expected, int n, Figure f) {
    assertTrue(f.sufficient(), f.toString());
    assertEquals(n, f.n());
    assertEquals(expected, f.value(), 1e-12);
    assertTrue(
        f.lower() <= expected && expected <= f.upper(), "the interval holds the value: " + f);
  }

  @Test
  void approvalRatesAndAdverseImpactByGroupWhereReferIsNoApproval() {
    decide(160, "sex=male", "approve", 0.1, null);
    decide(40, "sex=male", "decline", 0.5, null);
    decide(100, "sex=female", "approve", 0.1, null);
    decide(75, "sex=female", "refer", 0.3, null);
    decide(25, "sex=female", "decline", 0.5, null);
    decide(20, "age_band=55+", "approve", 0.1, null);
    decide(20, "age_band=55+", "decline", 0.1, null);
    decide(32, "age_band=25-34", "approve", 0.1, null);
    decide(8, "age_band=25-34", "refer", 0.1, null);
    FairnessWindows.Report r = compute();

    assertRate(160 / 200.0, 200, group(r, "sex", "male").approvalRate());
    assertRate(100 / 200.0, 200, group(r, "sex", "female").approvalRate());
    AttributeFairness sex = attribute(r, "sex");
    assertEquals("male", sex.referenceGroup());
    Figure air = group(r, "sex", "female").adverseImpactRatio();
    assertRate((100 / 200.0) / (160 / 200.0), 200, air);
    assertTrue(air.upper() < 0.8, "200 per group tell 0.625 from 0.8: " + air);
    // 40 decisions a group do not tell the same 0.625 from 0.8: the interval reaches above it.
    Figure older = group(r, "age_band", "55+").adverseImpactRatio();
    assertRate(0.5 / 0.8, 40, older);
    assertTrue(older.upper() > 0.8, older.toString());
    assertEquals(1.0, group(r, "sex", "male").adverseImpactRatio().value());
    // Nobody was labelled foreign worker or not: every group is insufficient, with no number.
    for (GroupFairness g : attribute(r, "foreign_worker").groups()) {
      assertFalse(g.approvalRate().sufficient());
      assertTrue(Double.isNaN(g.approvalRate().value()));
      assertEquals(0, g.decisions());
    }
    assertNull(attribute(r, "foreign_worker").referenceGroup());
  }

  @Test
  void aGroupBelowTheMinimumIsInsufficientOnEachFiguresOwnDenominator() {
    decide(30, "sex=male", "approve", 0.1, false);
    decide(29, "sex=female", "approve", 0.1, false);
    FairnessWindows.Report r = compute();
    GroupFairness female = group(r, "sex", "female");
    assertFalse(female.approvalRate().sufficient());
    assertEquals(29, female.approvalRate().n());
    assertFalse(female.adverseImpactRatio().sufficient());
    assertTrue(group(r, "sex", "male").approvalRate().sufficient());
    // Nobody defaulted: the true positive rate has no denominator, though the approval rate has.
    assertFalse(group(r, "sex", "male").truePositiveRate().sufficient());
    assertEquals(0, group(r, "sex", "male").truePositiveRate().n());
    assertTrue(group(r, "sex", "male").falsePositiveRate().sufficient());

    decide(1, "sex=female", "decline", 0.6, true);
    r = compute();
    assertRate(29 / 30.0, 30, group(r, "sex", "female").approvalRate());
    assertRate((29 / 30.0) / 1.0, 30, group(r, "sex", "female").adverseImpactRatio());
  }

  @Test
  void errorRatesDefaultRatesCalibrationAndEqualOpportunity() {
    // male: 40 defaulted, 30 of them declined; 60 repaid, 6 of them declined.
    decide(30, "sex=male", "decline", 0.6, true);
    decide(10, "sex=male", "approve", 0.2, true);
    decide(6, "sex=male", "decline", 0.6, false);
    decide(54, "sex=male", "approve", 0.2, false);
    // female: 40 defaulted, 20 of them declined; 40 repaid, 4 of them declined.
    decide(20, "sex=female", "decline", 0.6, true);
    decide(20, "sex=female", "approve", 0.2, true);
    decide(4, "sex=female", "decline", 0.6, false);
    decide(36, "sex=female", "approve", 0.2, false);
    FairnessWindows.Report r = compute();

    GroupFairness male = group(r, "sex", "male");
    GroupFairness female = group(r, "sex", "female");
    assertRate(30 / 40.0, 40, male.truePositiveRate());
    assertRate(6 / 60.0, 60, male.falsePositiveRate());
    assertRate(20 / 40.0, 40, female.truePositiveRate());
    assertRate(4 / 40.0, 40, female.falsePositiveRate());
    assertRate(40 / 100.0, 100, male.defaultRate());
    assertRate(40 / 80.0, 80, female.defaultRate());
    double femalePredicted = (24 * 0.6 + 56 * 0.2) / 80;
    assertEquals(femalePredicted, female.meanPredicted(), 1e-12);
    assertEquals(femalePredicted - 0.5, female.calibrationGap().value(), 1e-12);

    AttributeFairness sex = attribute(r, "sex");
    assertEquals("male", sex.highestTruePositiveRate());
    assertEquals("female", sex.lowestTruePositiveRate());
    assertRate(0.75 - 0.5, 40, sex.equalOpportunityDifference());
    assertTrue(sex.equalOpportunityDifference().lower() > 0.0, sex.toString());
  }

  @Test
  void theWindowsFollowTheClockAndKeepTheLatest() {
    decide(40, "sex=male", "decline", 0.5, null);
    clock.advance(Duration.ofDays(20));
    decide(40, "sex=male", "approve", 0.1, null);
    assertRate(40 / 80.0, 80, group(compute(), "sex", "male").approvalRate());
    // Of the 80 decisions in the 30-day window, the latest 50: 40 approvals and 10 declines.
    assertRate(
        40 / 50.0, 50, group(compute(50, Duration.ofDays(30)), "sex", "male").approvalRate());

    clock.advance(Duration.ofDays(11)); // the first 40 are now 31 days old
    assertRate(1.0, 40, group(compute(5000, Duration.ofDays(30)), "sex", "male").approvalRate());
    clock.advance(Duration.ofDays(20));
    FairnessWindows.Report r = compute(5000, Duration.ofDays(30));
    assertTrue(r.versions().isEmpty(), "no labelled decision left in either window: " + r);
  }

  @Test
  void anOutcomeObservedRecentlyCountsThoughItsDecisionLeftTheDecisionWindow() {
    decide(40, "foreign_worker=yes", "decline", 0.5, null);
    clock.advance(Duration.ofDays(31));
    for (int i = 0; i < 40; i++) {
      DecisionStore.Entry e = ((DecisionStore.Found) store.find("r" + i, null)).entry();
      store.recordAll(List.of(new DecisionStore.NewOutcome(e, true, clock.instant())));
    }
    FairnessWindows.Report r = compute(5000, Duration.ofDays(30));
    GroupFairness yes = group(r, "foreign_worker", "yes");
    assertEquals(0, yes.decisions());
    assertRate(1.0, 40, yes.truePositiveRate());
    // One group with enough defaults is no comparison.
    AttributeFairness worker = attribute(r, "foreign_worker");
    assertFalse(worker.equalOpportunityDifference().sufficient());
    assertNull(worker.highestTruePositiveRate());
    assertNull(worker.lowestTruePositiveRate());
  }

  @Test
  void labelsOutsideTheConfiguredSetAreNotCounted() {
    decide(40, "sex=unknown", "approve", 0.1, null);
    decide(40, "religion=any", "approve", 0.1, null);
    FairnessWindows.Report r = compute();
    assertEquals(80, r.versions().get(0).labelledDecisions());
    for (AttributeFairness a : r.versions().get(0).attributes()) {
      a.groups().forEach(g -> assertEquals(0, g.decisions(), a.attribute() + "=" + g.group()));
    }
  }
}
