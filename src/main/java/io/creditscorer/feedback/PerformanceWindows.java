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
import java.util.TreeMap;
import java.util.function.BiPredicate;

/**
 * Realised performance per model version over a sliding window: of the outcomes observed no longer
 * than {@code maxAge} before now, the latest {@code maxOutcomes} by observation time. The window is
 * a function of the store's content and the time given, so it is the same after a restart.
 */
public final class PerformanceWindows {

  /** The window's bounds and the number of calibration bands. */
  public record Settings(int maxOutcomes, Duration maxAge, int calibrationBands) {
    public Settings {
      if (maxOutcomes < 1) {
        throw new IllegalArgumentException("scorer.feedback.window-outcomes must be at least 1");
      }
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("scorer.feedback.window-duration must be positive");
      }
      if (calibrationBands < 1 || calibrationBands > 100) {
        throw new IllegalArgumentException("scorer.feedback.calibration-bands must be 1 to 100");
      }
    }
  }

  /** Outcomes of the window that were decided one way, and how many of those defaulted. */
  public record DecisionBand(String decision, int outcomes, int defaults, double badRate) {}

  /**
   * One model version. {@code decisionsStored} and {@code outcomesStored} count the whole store;
   * every other figure is over the window. Undefined figures are NaN (AUC needs both classes).
   */
  public record VersionPerformance(
      String model,
      String version,
      boolean stable,
      int decisionsStored,
      int outcomesStored,
      int outcomes,
      int defaults,
      double defaultRate,
      double meanPredicted,
      double auc,
      double brier,
      double calibrationError,
      List<RealisedPerformance.Band> calibration,
      List<DecisionBand> byDecision) {}

  /** Every version's performance as of a time. */
  public record Report(
      Instant asOf, int maxOutcomes, Duration maxAge, List<VersionPerformance> versions) {}

  private record Key(String model, String version) {}

  private record Observed(
      double pd, String decision, boolean defaulted, Instant observedAt, long seq) {}

  /** A version's counts and its window so far: the latest outcomes, oldest at the head. */
  private static final class Tally {
    int decisions;
    int outcomes;
    final PriorityQueue<Observed> recent = new PriorityQueue<>(OLDEST_FIRST);
  }

  private static Tally tally(Map<Key, Tally> tallies, String model, String version) {
    return tallies.computeIfAbsent(new Key(model, version), k -> new Tally());
  }

  private static final Comparator<Key> KEY_ORDER =
      Comparator.comparing(Key::model).thenComparing(Key::version, ModelRepository.VERSION_ORDER);

  private static final Comparator<Observed> OLDEST_FIRST =
      Comparator.comparing(Observed::observedAt).thenComparingLong(Observed::seq);

  private PerformanceWindows() {}

  /**
   * Computes every version's window as of {@code now}; {@code stable} tells the stable version of a
   * model. An embedded store's lock is held only while copying the pairs.
   */
  public static Report compute(
      DecisionStore store, Instant now, Settings settings, BiPredicate<String, String> stable) {
    Instant oldest = now.minus(settings.maxAge());
    Map<Key, Tally> tallies = new HashMap<>();
    List<DecisionStore.VersionCount> counts =
        store.countAndVisitOutcomes(
            oldest,
            settings.maxOutcomes(),
            (model, version, pd, decision, seq, o) -> {
              if (!o.observedAt().isBefore(oldest)) {
                Tally t = tally(tallies, model, version);
                t.recent.add(new Observed(pd, decision, o.defaulted(), o.observedAt(), seq));
                if (t.recent.size() > settings.maxOutcomes()) {
                  t.recent.poll(); // the oldest leaves the window
                }
              }
            });
    for (DecisionStore.VersionCount c : counts) {
      Tally t = tally(tallies, c.modelName(), c.modelVersion());
      t.decisions = c.decisions();
      t.outcomes = c.outcomes();
    }
    List<Key> keys = new ArrayList<>(tallies.keySet());
    keys.sort(KEY_ORDER);
    List<VersionPerformance> versions = new ArrayList<>(keys.size());
    for (Key k : keys) {
      Tally t = tallies.get(k);
      versions.add(
          performance(
              k,
              stable.test(k.model(), k.version()),
              t,
              new ArrayList<>(t.recent),
              settings.calibrationBands()));
    }
    return new Report(now, settings.maxOutcomes(), settings.maxAge(), List.copyOf(versions));
  }

  private static VersionPerformance performance(
      Key k, boolean stable, Tally t, List<Observed> window, int bands) {
    int n = window.size();
    double[] pd = new double[n];
    boolean[] defaulted = new boolean[n];
    int defaults = 0;
    double predicted = 0;
    for (int i = 0; i < n; i++) {
      Observed o = window.get(i);
      pd[i] = o.pd();
      defaulted[i] = o.defaulted();
      defaults += o.defaulted() ? 1 : 0;
      predicted += o.pd();
    }
    RealisedPerformance.Calibration calibration =
        RealisedPerformance.calibration(pd, defaulted, bands);
    return new VersionPerformance(
        k.model(),
        k.version(),
        stable,
        t.decisions,
        t.outcomes,
        n,
        defaults,
        n == 0 ? Double.NaN : (double) defaults / n,
        n == 0 ? Double.NaN : predicted / n,
        RealisedPerformance.auc(pd, defaulted),
        RealisedPerformance.brier(pd, defaulted),
        calibration.expectedCalibrationError(),
        calibration.bands(),
        byDecision(window));
  }

  /** Bad rate per decision, in the order approve, refer, decline (then any other). */
  private static List<DecisionBand> byDecision(List<Observed> window) {
    Map<String, int[]> counts = new TreeMap<>(PerformanceWindows::decisionOrder);
    for (Decision d : Decision.values()) {
      counts.put(d.wireName(), new int[2]);
    }
    for (Observed o : window) {
      int[] c = counts.computeIfAbsent(o.decision(), d -> new int[2]);
      c[0]++;
      c[1] += o.defaulted() ? 1 : 0;
    }
    List<DecisionBand> out = new ArrayList<>(counts.size());
    counts.forEach(
        (d, c) ->
            out.add(
                new DecisionBand(d, c[0], c[1], c[0] == 0 ? Double.NaN : (double) c[1] / c[0])));
    return List.copyOf(out);
  }

  private static int decisionOrder(String a, String b) {
    return Integer.compare(rank(a), rank(b)) != 0
        ? Integer.compare(rank(a), rank(b))
        : a.compareTo(b);
  }

  private static int rank(String decision) {
    for (Decision d : Decision.values()) {
      if (d.wireName().equals(decision)) {
        return d.ordinal();
      }
    }
    return Decision.values().length;
  }
}
