package io.creditscorer.monitoring;

import io.creditscorer.base.BackgroundLoop;
import io.creditscorer.features.FeatureSpec;
import io.creditscorer.inference.OnnxModel;
import io.creditscorer.repository.ModelDescriptor;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.spi.DecisionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Input and output drift per model version: for each request field and for the predicted
 * probability of default, a sliding window of the last {@code windowRows} observations is compared
 * with the training baseline stored in the version's descriptor by the Population Stability Index,
 * {@code PSI = sum((a - e) * ln(a / e))} over the baseline's bins (proportions smoothed by half a
 * count, so an empty bin stays finite). Also counts data-quality issues: numeric values outside the
 * training range, categories that never occurred in training.
 *
 * <p>The request path finds each value's bin while the request's fields are still in the CPU's
 * caches (and counts data-quality issues), then hands the bins to a bounded queue; work it cannot
 * take is dropped and counted, never queued without bound. The drift thread moves queued bins into
 * the windows; PSI is computed when read (a gauge scrape). Thread-safe.
 *
 * <p>Meters: {@code scorer_drift_psi{model,version,feature}} (feature {@code
 * probability_of_default} for the output), {@code
 * scorer_data_quality_total{model,version,feature,issue}}, {@code scorer_drift_dropped_total}.
 */
public final class DriftMonitor implements DecisionListener {

  /** PSI is reported once a window holds this many rows; before that the gauge reads NaN. */
  static final int MIN_ROWS = 100;

  public static final String OUTPUT = "probability_of_default";

  /** Each applicant's bin per window, in the version's window order; -1 where none applies. */
  private record Observation(VersionWindows windows, int[] bins) {}

  private final int windowRows;
  private final MeterRegistry registry;
  private final ArrayBlockingQueue<Observation> pending;
  private final Map<OnnxModel, VersionWindows> versions = new ConcurrentHashMap<>();
  private final Counter dropped;

  public DriftMonitor(int windowRows, int queueCapacity, MeterRegistry registry) {
    if (windowRows < MIN_ROWS) {
      throw new IllegalArgumentException("scorer.drift.window-rows must be at least " + MIN_ROWS);
    }
    this.windowRows = windowRows;
    this.registry = registry;
    this.pending = new ArrayBlockingQueue<>(queueCapacity);
    this.dropped =
        Counter.builder("scorer.drift.dropped")
            .description("Observations not added to drift windows because the monitor was busy")
            .register(registry);
  }

  @Override
  public void decided(ModelVersion version, List<Map<String, Object>> applicants, double[] pd) {
    if (version.credit().isEmpty()) {
      return;
    }
    Observation o;
    try {
      VersionWindows windows = windows(version);
      o = new Observation(windows, windows.bins(applicants, pd));
    } catch (RuntimeException e) {
      dropped.increment(); // never fail the request: counted with the dropped observations
      return;
    }
    if (!pending.offer(o)) {
      dropped.increment();
    }
  }

  /** Applies every queued observation to its windows (the background thread's work). */
  public void processPending() {
    List<Observation> batch = new ArrayList<>();
    pending.drainTo(batch);
    for (Observation o : batch) {
      o.windows().add(o.bins());
    }
  }

  /**
   * Starts the background thread that processes queued observations every {@code period}; closing
   * the returned handle stops it.
   */
  public BackgroundLoop start(Duration period) {
    return BackgroundLoop.start("drift-monitor", period, this::processSafely);
  }

  private void processSafely() {
    try {
      processPending();
    } catch (RuntimeException e) {
      // A bad observation must not stop the monitor; it is counted with the dropped ones.
      dropped.increment();
    }
  }

  /** The current PSI of a feature (or {@link #OUTPUT}); NaN until the window has enough rows. */
  public double psi(ModelVersion version, String feature) {
    VersionWindows w = versions.get(version.model());
    return w == null ? Double.NaN : w.psi(feature);
  }

  private VersionWindows windows(ModelVersion version) {
    return versions.computeIfAbsent(version.model(), m -> create(version));
  }

  private VersionWindows create(ModelVersion version) {
    ModelDescriptor.Baseline baseline = version.baseline();
    Object lock = new Object();
    Map<String, Window> byFeature = new HashMap<>();
    List<Window> features = new ArrayList<>();
    for (FeatureSpec f : version.credit().orElseThrow().encoder().features()) {
      ModelDescriptor.Histogram h = baseline == null ? null : baseline.features().get(f.name());
      if (h == null) {
        continue;
      }
      Window w = new Window(f.name(), h, windowRows, lock);
      features.add(w);
      byFeature.put(f.name(), w);
      Gauge.builder("scorer.drift.psi", w, Window::psi)
          .description("Population Stability Index of the sliding window against training")
          .tags("model", version.name(), "version", version.version(), "feature", f.name())
          .register(registry);
      String issue =
          f.type() == FeatureSpec.Type.numeric ? "out_of_training_range" : "unseen_in_training";
      w.quality =
          Counter.builder("scorer.data.quality")
              .description("Values that are valid but unlike the training data")
              .tags(
                  "model",
                  version.name(),
                  "version",
                  version.version(),
                  "feature",
                  f.name(),
                  "issue",
                  issue)
              .register(registry);
    }
    Window output = null;
    if (baseline != null && baseline.probabilityOfDefault() != null) {
      output = new Window(OUTPUT, baseline.probabilityOfDefault(), windowRows, lock);
      byFeature.put(OUTPUT, output);
      Gauge.builder("scorer.drift.psi", output, Window::psi)
          .description("Population Stability Index of the sliding window against training")
          .tags("model", version.name(), "version", version.version(), "feature", OUTPUT)
          .register(registry);
    }
    int inputs = features.size();
    if (output != null) {
      features.add(output);
    }
    return new VersionWindows(features.toArray(new Window[0]), inputs, byFeature, lock);
  }

  /**
   * A version's windows. They share one lock, taken once per observation rather than once per
   * value: the drift thread adds, the metrics scrape reads PSI.
   */
  private record VersionWindows(
      Window[] all, int features, Map<String, Window> byName, Object lock) {

    /** The bins of each applicant's features, then of its output when the baseline has one. */
    int[] bins(List<Map<String, Object>> applicants, double[] pd) {
      int[] bins = new int[applicants.size() * all.length];
      int k = 0;
      for (int i = 0; i < applicants.size(); i++) {
        Map<String, Object> a = applicants.get(i);
        for (int f = 0; f < features; f++) {
          bins[k++] = all[f].bin(a.get(all[f].name));
        }
        if (features < all.length) {
          bins[k++] = all[features].bin(pd[i]); // the output
        }
      }
      return bins;
    }

    void add(int[] bins) {
      synchronized (lock) {
        for (int k = 0; k < bins.length; k++) {
          if (bins[k] >= 0) {
            all[k % all.length].add(bins[k]);
          }
        }
      }
    }

    double psi(String feature) {
      Window w = byName.get(feature);
      return w == null ? Double.NaN : w.psi();
    }
  }

  /** One feature's ring of bin indices and their counts, guarded by its version's lock. */
  private static final class Window {
    final String name;
    final Object lock;
    final double[] edges;
    final Map<String, Integer> categories;
    final double[] expected;
    final double min;
    final double max;
    final boolean[] unseen;
    final int[] ring;
    final int[] counts;
    int next;
    int filled;
    Counter quality;

    Window(String name, ModelDescriptor.Histogram h, int size, Object lock) {
      this.name = name;
      this.lock = lock;
      int bins = h.counts().size();
      this.edges =
          h.edges() == null ? null : h.edges().stream().mapToDouble(Double::doubleValue).toArray();
      this.categories = new HashMap<>();
      if (h.categories() != null) {
        for (int i = 0; i < h.categories().size(); i++) {
          categories.put(h.categories().get(i), i);
        }
      }
      double total = h.counts().stream().mapToLong(Long::longValue).sum();
      this.expected = new double[bins];
      this.unseen = new boolean[bins];
      for (int b = 0; b < bins; b++) {
        expected[b] = (h.counts().get(b) + 0.5) / (total + 0.5 * bins);
        unseen[b] = h.counts().get(b) == 0;
      }
      this.min = h.min() == null ? Double.NEGATIVE_INFINITY : h.min();
      this.max = h.max() == null ? Double.POSITIVE_INFINITY : h.max();
      this.ring = new int[size];
      this.counts = new int[bins];
    }

    /** The value's bin, counting a quality issue; -1 when it has none (wrong type, unknown). */
    int bin(Object value) {
      if (edges != null) {
        return value instanceof Number n ? bin(n.doubleValue()) : -1;
      }
      Integer b = categories.get(value);
      if (b == null) {
        return -1;
      }
      if (unseen[b] && quality != null) {
        quality.increment();
      }
      return b;
    }

    int bin(double v) {
      if ((v < min || v > max) && quality != null) {
        quality.increment();
      }
      int bin = 0;
      while (bin < edges.length && v >= edges[bin]) {
        bin++;
      }
      return bin;
    }

    void add(int bin) {
      if (filled == ring.length) {
        counts[ring[next]]--;
      } else {
        filled++;
      }
      ring[next] = bin;
      counts[bin]++;
      next = next + 1 == ring.length ? 0 : next + 1;
    }

    double psi() {
      synchronized (lock) {
        if (filled < MIN_ROWS) {
          return Double.NaN;
        }
        double psi = 0;
        double n = filled + 0.5 * counts.length;
        for (int b = 0; b < counts.length; b++) {
          double a = (counts[b] + 0.5) / n;
          psi += (a - expected[b]) * Math.log(a / expected[b]);
        }
        return psi;
      }
    }
  }
}
