package io.creditscorer.feedback;

import io.creditscorer.decision.Decision;
import io.creditscorer.repository.ModelRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Fairness figures per model version, monitored attribute and group, over the feedback windows: of
 * the decisions carrying group labels, the latest {@code maxOutcomes} decided within {@code maxAge}
 * (approval rates, adverse impact ratios) and the latest {@code maxOutcomes} whose outcome was
 * observed within {@code maxAge} (default rates, error rates, calibration). Like {@link
 * PerformanceWindows}, a function of the store's content and the time given.
 *
 * <p>Every rate counts on its own denominator, and below {@code minimumGroupSize} it is reported as
 * insufficient, never as a number; every number comes with a 95 % confidence interval ({@link
 * Proportions}). Only configured attributes and values are counted.
 */
public final class FairnessWindows {

  /**
   * @param groups the monitored attributes and their values
   * @param minimumGroupSize smallest denominator a figure is reported on
   * @param equalOpportunityThreshold the largest difference in true positive rates tolerated
   *     (alerted on, not enforced)
   */
  public record Settings(
      MonitoredGroups groups, int minimumGroupSize, double equalOpportunityThreshold) {
    public Settings {
      if (minimumGroupSize < 1) {
        throw new IllegalArgumentException("scorer.fairness.minimum-group-size must be at least 1");
      }
      if (!(equalOpportunityThreshold > 0 && equalOpportunityThreshold < 1)) {
        throw new IllegalArgumentException(
            "scorer.fairness.equal-opportunity-threshold must lie between 0 and 1");
      }
    }
  }

  /**
   * A figure over a denominator of {@code n}: when {@code sufficient}, its value and 95 % interval
   * (NaN where undefined, e.g. a ratio to a rate of zero); otherwise only {@code n}.
   */
  public record Figure(int n, boolean sufficient, double value, double lower, double upper) {
    static Figure insufficient(int n) {
      return new Figure(n, false, Double.NaN, Double.NaN, Double.NaN);
    }

    static Figure rate(int k, int n, int minimum) {
      if (n < minimum || n == 0) {
        return insufficient(n);
      }
      Proportions.Interval ci = Proportions.wilson(k, n);
      return new Figure(n, true, (double) k / n, ci.lower(), ci.upper());
    }
  }

  /** One group of one attribute. */
  public record GroupFairness(
      String group,
      int decisions,
      int approvals,
      Figure approvalRate,
      Figure adverseImpactRatio,
      int outcomes,
      int defaults,
      Figure defaultRate,
      double meanPredicted,
      Figure calibrationGap,
      Figure truePositiveRate,
      Figure falsePositiveRate) {}

  /**
   * One attribute: the group with the highest approval rate (the adverse impact ratio's reference,
   * {@code null} when no group is large enough) and the largest minus the smallest true positive
   * rate among the groups large enough, with the groups that have them.
   */
  public record AttributeFairness(
      String attribute,
      String referenceGroup,
      Figure equalOpportunityDifference,
      String highestTruePositiveRate,
      String lowestTruePositiveRate,
      List<GroupFairness> groups) {}

  /** One model version: its labelled decisions and outcomes in the windows, per attribute. */
  public record VersionFairness(
      String model,
      String version,
      int labelledDecisions,
      int labelledOutcomes,
      List<AttributeFairness> attributes) {}

  /** Every version with labelled decisions, as of a time. */
  public record Report(
      Instant asOf,
      int maxEntries,
      Duration maxAge,
      int minimumGroupSize,
      double equalOpportunityThreshold,
      List<VersionFairness> versions) {}

  private record Key(String model, String version) {}

  private record Labelled(
      double pd,
      boolean approved,
      boolean declined,
      Instant decidedAt,
      long seq,
      Map<String, String> groups,
      DecisionStore.Outcome outcome) {}

  private static final Comparator<Labelled> OLDEST_DECIDED =
      Comparator.comparing(Labelled::decidedAt).thenComparingLong(Labelled::seq);
  private static final Comparator<Labelled> OLDEST_OBSERVED =
      Comparator.<Labelled, Instant>comparing(l -> l.outcome().observedAt())
          .thenComparingLong(Labelled::seq);
  private static final Comparator<Key> KEY_ORDER =
      Comparator.comparing(Key::model).thenComparing(Key::version, ModelRepository.VERSION_ORDER);

  /** A version's two windows so far, oldest at the head. */
  private static final class Windows {
    final PriorityQueue<Labelled> decided = new PriorityQueue<>(OLDEST_DECIDED);
    final PriorityQueue<Labelled> observed = new PriorityQueue<>(OLDEST_OBSERVED);
  }

  /** Counts of one group. */
  private static final class Tally {
    int decisions;
    int approvals;
    int outcomes;
    int defaults;
    int declinedDefaulted;
    int declinedRepaid;
    double predicted;
  }

  private FairnessWindows() {}

  /** Computes every labelled version's figures as of {@code now}. */
  public static Report compute(
      DecisionStore store, Instant now, PerformanceWindows.Settings window, Settings settings) {
    Instant oldest = now.minus(window.maxAge());
    int max = window.maxOutcomes();
    Map<Key, Windows> versions = new HashMap<>();
    Map<String, Map<String, String>> decoded = new HashMap<>();
    store.visitLabelled(
        (model, version, pd, decision, decidedAt, seq, groups, outcome) -> {
          boolean inDecided = !decidedAt.isBefore(oldest);
          boolean inObserved = outcome != null && !outcome.observedAt().isBefore(oldest);
          if (!inDecided && !inObserved) {
            return;
          }
          Labelled l =
              new Labelled(
                  pd,
                  Decision.APPROVE.wireName().equals(decision),
                  Decision.DECLINE.wireName().equals(decision),
                  decidedAt,
                  seq,
                  decoded.computeIfAbsent(groups, MonitoredGroups::decode),
                  outcome);
          Windows w = versions.computeIfAbsent(new Key(model, version), k -> new Windows());
          if (inDecided) {
            keepLatest(w.decided, l, max);
          }
          if (inObserved) {
            keepLatest(w.observed, l, max);
          }
        });
    List<Key> keys = new ArrayList<>(versions.keySet());
    keys.sort(KEY_ORDER);
    List<VersionFairness> out = new ArrayList<>(keys.size());
    for (Key k : keys) {
      Windows w = versions.get(k);
      List<AttributeFairness> attributes = new ArrayList<>();
      settings
          .groups()
          .attributes()
          .forEach((name, values) -> attributes.add(attribute(name, values, w, settings)));
      out.add(
          new VersionFairness(
              k.model(),
              k.version(),
              w.decided.size(),
              w.observed.size(),
              List.copyOf(attributes)));
    }
    return new Report(
        now,
        max,
        window.maxAge(),
        settings.minimumGroupSize(),
        settings.equalOpportunityThreshold(),
        List.copyOf(out));
  }

  private static void keepLatest(PriorityQueue<Labelled> window, Labelled l, int max) {
    window.add(l);
    if (window.size() > max) {
      window.poll(); // the oldest leaves the window
    }
  }

  private static AttributeFairness attribute(
      String name, List<String> values, Windows w, Settings settings) {
    int minimum = settings.minimumGroupSize();
    Map<String, Tally> tallies = new HashMap<>();
    values.forEach(v -> tallies.put(v, new Tally()));
    for (Labelled l : w.decided) {
      Tally t = tallies.get(l.groups().get(name));
      if (t != null) {
        t.decisions++;
        t.approvals += l.approved() ? 1 : 0;
      }
    }
    for (Labelled l : w.observed) {
      Tally t = tallies.get(l.groups().get(name));
      if (t != null) {
        boolean defaulted = l.outcome().defaulted();
        t.outcomes++;
        t.predicted += l.pd();
        t.defaults += defaulted ? 1 : 0;
        t.declinedDefaulted += defaulted && l.declined() ? 1 : 0;
        t.declinedRepaid += !defaulted && l.declined() ? 1 : 0;
      }
    }
    // The reference: the highest approval rate among the groups large enough.
    String reference = null;
    for (String v : values) {
      Tally t = tallies.get(v);
      if (t.decisions >= minimum
          && (reference == null || rate(t.approvals, t.decisions) > rateOf(tallies, reference))) {
        reference = v;
      }
    }
    String highest = null;
    String lowest = null;
    for (String v : values) {
      Tally t = tallies.get(v);
      if (t.defaults >= minimum) {
        double tpr = rate(t.declinedDefaulted, t.defaults);
        if (highest == null || tpr > tpr(tallies.get(highest))) {
          highest = v;
        }
        if (lowest == null || tpr < tpr(tallies.get(lowest))) {
          lowest = v;
        }
      }
    }
    List<GroupFairness> groups = new ArrayList<>(values.size());
    for (String v : values) {
      groups.add(
          group(v, tallies.get(v), reference == null ? null : tallies.get(reference), minimum));
    }
    Figure difference = equalOpportunity(highest, lowest, tallies);
    return new AttributeFairness(
        name,
        reference,
        difference,
        difference.sufficient() ? highest : null,
        difference.sufficient() ? lowest : null,
        List.copyOf(groups));
  }

  private static GroupFairness group(String value, Tally t, Tally reference, int minimum) {
    Figure defaultRate = Figure.rate(t.defaults, t.outcomes, minimum);
    double meanPredicted = t.outcomes == 0 ? Double.NaN : t.predicted / t.outcomes;
    Figure gap =
        defaultRate.sufficient()
            ? new Figure(
                t.outcomes,
                true,
                meanPredicted - defaultRate.value(),
                meanPredicted - defaultRate.upper(),
                meanPredicted - defaultRate.lower())
            : Figure.insufficient(t.outcomes);
    return new GroupFairness(
        value,
        t.decisions,
        t.approvals,
        Figure.rate(t.approvals, t.decisions, minimum),
        adverseImpact(t, reference, minimum),
        t.outcomes,
        t.defaults,
        defaultRate,
        meanPredicted,
        gap,
        Figure.rate(t.declinedDefaulted, t.defaults, minimum),
        Figure.rate(t.declinedRepaid, t.outcomes - t.defaults, minimum));
  }

  /** The group's approval rate over the reference group's, with the Katz interval. */
  private static Figure adverseImpact(Tally t, Tally reference, int minimum) {
    if (t.decisions < minimum || reference == null) {
      return Figure.insufficient(t.decisions);
    }
    if (reference.approvals == 0) { // every qualifying group approved none: no ratio
      return new Figure(t.decisions, true, Double.NaN, Double.NaN, Double.NaN);
    }
    if (t == reference) {
      return new Figure(t.decisions, true, 1, 1, 1);
    }
    Proportions.Interval ci =
        Proportions.ratio(t.approvals, t.decisions, reference.approvals, reference.decisions);
    return new Figure(
        t.decisions,
        true,
        rate(t.approvals, t.decisions) / rate(reference.approvals, reference.decisions),
        ci.lower(),
        ci.upper());
  }

  /**
   * The highest minus the lowest true positive rate, with Newcombe's interval; {@code n} is the
   * smaller group's defaults (0 with fewer than two groups to compare).
   */
  private static Figure equalOpportunity(
      String highest, String lowest, Map<String, Tally> tallies) {
    if (highest == null || highest.equals(lowest)) { // fewer than two groups to compare
      return Figure.insufficient(0);
    }
    Tally h = tallies.get(highest);
    Tally l = tallies.get(lowest);
    Proportions.Interval ci =
        Proportions.difference(h.declinedDefaulted, h.defaults, l.declinedDefaulted, l.defaults);
    return new Figure(
        Math.min(h.defaults, l.defaults), true, tpr(h) - tpr(l), ci.lower(), ci.upper());
  }

  private static double rateOf(Map<String, Tally> tallies, String group) {
    Tally t = tallies.get(group);
    return rate(t.approvals, t.decisions);
  }

  private static double tpr(Tally t) {
    return rate(t.declinedDefaulted, t.defaults);
  }

  private static double rate(int k, int n) {
    return n == 0 ? Double.NaN : (double) k / n;
  }
}
