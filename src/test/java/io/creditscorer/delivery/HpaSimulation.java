package io.creditscorer.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;

/**
 * The Kubernetes HorizontalPodAutoscaler of {@code k8s/overlays/prod} driving pods of the service
 * through a traffic ramp, one simulated second at a time: how many requests are refused and what
 * p99 the accepted ones see while pods start, for the JVM image against the native one.
 *
 * <p>The autoscaler follows the autoscaling/v2 controller: every sync period (15 s) each metric
 * proposes {@code ceil(readyPods * metric / target)}, nothing when within the 10 % tolerance, with
 * not-yet-ready pods counted as idle on a scale-up and as at-target on a scale-down; the largest
 * proposal wins; the stabilisation windows and rate-limiting policies of the manifest's {@code
 * behavior} apply. Metrics are averages over ready pods of the last 60 s (request rate, as the
 * adapter's {@code rate(...[1m])}) and 30 s (CPU).
 *
 * <p>A pod is an M/M/1/K queue: service rate = its capacity (the measured per-pod throughput,
 * scaled by the JVM's measured warm-up curve in its first seconds), K = the door's in-flight limit;
 * arrivals beyond K are refused (429). Load is spread evenly over ready pods. A model, not a
 * measurement: its inputs and what they rest on are in docs/CAPACITY.md.
 *
 * <p>Run: {@code mvn -B -q test-compile exec:java@capacity} prints the tables of docs/CAPACITY.md.
 */
public final class HpaSimulation {

  /** Requests a one-CPU pod serves at p99 within target (docs/CAPACITY.md), JVM fully warmed. */
  static final double POD_CAPACITY = 5_500;

  /**
   * Throughput per second after ready of a JVM pod pinned to one core (loadtest/startup.sh, run of
   * 2026-11-29), as a fraction of its steady rate (7,271 req/s, mean of seconds 31-60).
   */
  static final double[] JVM_WARMUP =
      fractions(
          7_271, 122, 253, 322, 350, 491, 775, 1342, 1788, 1653, 1891, 2046, 2062, 2312, 2054, 1949,
          3043, 3194, 3280, 2314, 2535, 3611, 4113, 3805, 4406, 4902, 5817, 5639, 6814, 8007, 7897);

  /**
   * JVM: 5 s to schedule and start the container (assumed) + 1.2 s to ready (measured median of the
   * image's set-up, Java 25 with its AOT cache: loadtest/startup.sh, docs/BENCHMARKS.md).
   */
  static final PodProfile JVM = new PodProfile("JVM", 5 + 1.2, POD_CAPACITY, JVM_WARMUP);

  /**
   * Native: 5 s to schedule and start (assumed, as for the JVM) + 0.5 s to ready (assumed: the
   * measured model loading, 0.3 s, plus a native start); no warm-up; 80 % of the JVM's peak
   * throughput (assumed; no native image can be built on the development machines).
   */
  static final PodProfile NATIVE =
      new PodProfile("native", 5 + 0.5, 0.8 * POD_CAPACITY, new double[0]);

  /** The prod overlay's door limit, SCORER_HTTP_MAX_INFLIGHT: the queue bound K of a pod. */
  static final int INFLIGHT_LIMIT = 64;

  /** How a pod of one image starts and serves. */
  record PodProfile(String name, double startupSeconds, double peakCapacity, double[] warmup) {
    double capacity(double secondsSinceReady) {
      int s = (int) secondsSinceReady;
      return peakCapacity * (s < warmup.length ? warmup[s] : 1.0);
    }

    /** The same image with the HPA's request-rate target scaled to its capacity. */
    HpaSpec hpaFor(HpaSpec jvmTuned) {
      return jvmTuned.withTargetRps(jvmTuned.targetRps() * peakCapacity / POD_CAPACITY);
    }
  }

  /** The HorizontalPodAutoscaler settings the simulation needs, as in the manifest. */
  record HpaSpec(
      int minReplicas,
      int maxReplicas,
      double targetCpuUtilization,
      double targetRps,
      double tolerance,
      int syncSeconds,
      int scaleUpWindow,
      int scaleUpPercent,
      int scaleUpPods,
      int scaleUpPeriod,
      int scaleDownWindow,
      int scaleDownPercent,
      int scaleDownPeriod) {

    /** Reads the rendered HorizontalPodAutoscaler (its CPU and Pods metrics, its behaviour). */
    static HpaSpec of(JsonNode hpa) {
      JsonNode spec = hpa.path("spec");
      double cpu = 0;
      double rps = 0;
      for (JsonNode metric : spec.path("metrics")) {
        if (metric.path("type").asText().equals("Resource")) {
          cpu = metric.at("/resource/target/averageUtilization").asDouble() / 100;
        } else {
          rps = Double.parseDouble(metric.at("/pods/target/averageValue").asText());
        }
      }
      JsonNode up = spec.at("/behavior/scaleUp");
      JsonNode down = spec.at("/behavior/scaleDown");
      return new HpaSpec(
          spec.path("minReplicas").asInt(),
          spec.path("maxReplicas").asInt(),
          cpu,
          rps,
          0.1,
          15,
          up.path("stabilizationWindowSeconds").asInt(),
          policy(up, "Percent").path("value").asInt(),
          policy(up, "Pods").path("value").asInt(),
          policy(up, "Percent").path("periodSeconds").asInt(),
          down.path("stabilizationWindowSeconds").asInt(),
          policy(down, "Percent").path("value").asInt(),
          policy(down, "Percent").path("periodSeconds").asInt());
    }

    /** The HPA of the prod overlay, rendered by kubectl kustomize. */
    static HpaSpec prod() {
      return of(
          Manifests.only(
              Manifests.render(Path.of("k8s/overlays/prod")), "HorizontalPodAutoscaler"));
    }

    HpaSpec withTargetRps(double rps) {
      return new HpaSpec(
          minReplicas,
          maxReplicas,
          targetCpuUtilization,
          rps,
          tolerance,
          syncSeconds,
          scaleUpWindow,
          scaleUpPercent,
          scaleUpPods,
          scaleUpPeriod,
          scaleDownWindow,
          scaleDownPercent,
          scaleDownPeriod);
    }

    private static JsonNode policy(JsonNode rules, String type) {
      for (JsonNode policy : rules.path("policies")) {
        if (policy.path("type").asText().equals(type)) {
          return policy;
        }
      }
      throw new IllegalArgumentException("no " + type + " policy in " + rules);
    }
  }

  /** One simulated second. */
  record Second(
      int t,
      double offered,
      int replicas,
      int ready,
      double capacity,
      double served,
      double refused,
      double p99Seconds) {}

  /** A whole run. */
  record Run(String profile, List<Second> seconds) {
    double refused(int from, int to) {
      return seconds.stream()
          .filter(s -> s.t >= from && s.t < to)
          .mapToDouble(Second::refused)
          .sum();
    }

    double offered(int from, int to) {
      return seconds.stream()
          .filter(s -> s.t >= from && s.t < to)
          .mapToDouble(Second::offered)
          .sum();
    }

    double maxP99(int from, int to) {
      return seconds.stream()
          .filter(s -> s.t >= from && s.t < to)
          .mapToDouble(Second::p99Seconds)
          .max()
          .orElse(0);
    }

    long secondsAbove(double p99, int from, int to) {
      return seconds.stream().filter(s -> s.t >= from && s.t < to && s.p99Seconds > p99).count();
    }

    int maxReplicas() {
      return seconds.stream().mapToInt(Second::replicas).max().orElse(0);
    }

    int replicasAt(int t) {
      return seconds.get(t).replicas;
    }

    /** First second from which, until {@code to}, at least 99.9 % of the offered load is served. */
    int servingFrom(int from, int to) {
      int since = -1;
      for (Second s : seconds.subList(from, to)) {
        if (s.served >= 0.999 * s.offered) {
          since = since < 0 ? s.t : since;
        } else {
          since = -1;
        }
      }
      return since;
    }
  }

  /** Traffic shapes (requests per second at second t). */
  static DoubleUnaryOperator ramp(double from, double to, int start, int seconds, int dropAt) {
    return t -> {
      if (t >= dropAt) {
        return from;
      }
      if (t < start) {
        return from;
      }
      return t >= start + seconds ? to : from + (to - from) * (t - start) / seconds;
    };
  }

  private record Pod(double readyAt) {}

  record ScaleEvent(int t, int delta) {}

  record Recommendation(int t, int replicas) {}

  /** Runs {@code seconds} seconds of {@code traffic} against pods of {@code profile}. */
  static Run simulate(PodProfile profile, HpaSpec hpa, DoubleUnaryOperator traffic, int seconds) {
    List<Pod> pods = new ArrayList<>();
    int replicas =
        Math.max(hpa.minReplicas(), (int) Math.ceil(traffic.applyAsDouble(0) / hpa.targetRps()));
    for (int i = 0; i < replicas; i++) {
      pods.add(new Pod(-3600)); // running and warm before the simulation starts
    }
    Deque<double[]> rpsWindow = new ArrayDeque<>(); // per second: served per ready pod
    Deque<double[]> cpuWindow = new ArrayDeque<>(); // per second: mean utilisation of ready pods
    Deque<ScaleEvent> events = new ArrayDeque<>();
    Deque<Recommendation> recommendations = new ArrayDeque<>();
    List<Second> out = new ArrayList<>();

    for (int t = 0; t < seconds; t++) {
      double offered = traffic.applyAsDouble(t);
      // Pods that became ready in the same second serve alike: one cohort per capacity.
      Map<Double, Integer> cohorts = new TreeMap<>();
      for (Pod pod : pods) {
        if (t >= pod.readyAt()) {
          cohorts.merge(profile.capacity(t - pod.readyAt()), 1, Integer::sum);
        }
      }
      int ready = cohorts.values().stream().mapToInt(Integer::intValue).sum();
      double perPod = ready == 0 ? 0 : offered / ready;
      double served = 0;
      double busy = 0;
      double capacity = 0;
      for (Map.Entry<Double, Integer> cohort : cohorts.entrySet()) {
        double mu = cohort.getKey();
        double accepted = perPod * (1 - QueueModel.blocking(perPod / mu, INFLIGHT_LIMIT));
        served += accepted * cohort.getValue();
        busy += Math.min(1, accepted / mu) * cohort.getValue();
        capacity += mu * cohort.getValue();
      }
      double p99 = QueueModel.p99(perPod, cohorts, INFLIGHT_LIMIT);
      double refused = Math.max(0, offered - served);
      out.add(new Second(t, offered, pods.size(), ready, capacity, served, refused, p99));
      rpsWindow.addLast(new double[] {ready == 0 ? 0 : served / ready});
      cpuWindow.addLast(new double[] {ready == 0 ? 0 : busy / ready});
      trim(rpsWindow, 60);
      trim(cpuWindow, 30);

      if (t > 0 && t % hpa.syncSeconds() == 0) {
        int unready = pods.size() - ready;
        int proposal =
            Math.max(
                desiredReplicas(
                    pods.size(), ready, unready, mean(rpsWindow), hpa.targetRps(), hpa.tolerance()),
                desiredReplicas(
                    pods.size(),
                    ready,
                    unready,
                    mean(cpuWindow),
                    hpa.targetCpuUtilization(),
                    hpa.tolerance()));
        int next = applyBehavior(hpa, t, pods.size(), proposal, recommendations, events);
        if (next > pods.size()) {
          for (int i = pods.size(); i < next; i++) {
            pods.add(new Pod(t + profile.startupSeconds()));
          }
        } else if (next < pods.size()) {
          pods.subList(next, pods.size()).clear(); // the newest go first
        }
        if (next != replicas) {
          events.addLast(new ScaleEvent(t, next - replicas));
          replicas = next;
        }
      }
    }
    return new Run(profile.name(), out);
  }

  /**
   * The replica count one metric asks for (the controller's replica calculator): {@code ceil(ready
   * * metric / target)}, the current count when within tolerance; on a scale-up not-yet-ready pods
   * count as idle, on a scale-down as exactly at target.
   */
  static int desiredReplicas(
      int current, int ready, int unready, double metric, double target, double tolerance) {
    if (ready == 0) {
      return current;
    }
    double ratio = metric / target;
    if (Math.abs(ratio - 1) <= tolerance) {
      return current;
    }
    if (unready == 0) {
      return (int) Math.ceil(ready * ratio);
    }
    double adjusted =
        ratio > 1
            ? metric * ready / ((ready + unready) * target)
            : (metric * ready + target * unready) / ((ready + unready) * target);
    if (Math.abs(adjusted - 1) <= tolerance || (ratio > 1) != (adjusted > 1)) {
      return current;
    }
    return (int) Math.ceil((ready + unready) * adjusted);
  }

  /** Stabilisation windows, then the scaling policies, then min/max (the controller's order). */
  static int applyBehavior(
      HpaSpec hpa,
      int t,
      int current,
      int proposal,
      Deque<Recommendation> recommendations,
      Deque<ScaleEvent> events) {
    recommendations.addLast(new Recommendation(t, proposal));
    int window = Math.max(hpa.scaleUpWindow(), hpa.scaleDownWindow());
    while (recommendations.peekFirst().t() < t - window) {
      recommendations.removeFirst();
    }
    int upRecommendation = proposal;
    int downRecommendation = proposal;
    for (Recommendation r : recommendations) {
      if (r.t() >= t - hpa.scaleUpWindow()) {
        upRecommendation = Math.min(upRecommendation, r.replicas());
      }
      if (r.t() >= t - hpa.scaleDownWindow()) {
        downRecommendation = Math.max(downRecommendation, r.replicas());
      }
    }
    int stabilized = current;
    if (stabilized < upRecommendation) {
      stabilized = upRecommendation;
    }
    if (stabilized > downRecommendation) {
      stabilized = downRecommendation;
    }
    int next = stabilized;
    if (next > current) {
      int added =
          events.stream()
              .filter(e -> e.t() > t - hpa.scaleUpPeriod() && e.delta() > 0)
              .mapToInt(ScaleEvent::delta)
              .sum();
      int periodStart = current - added;
      int limit =
          Math.max(
              (int) Math.ceil(periodStart * (1 + hpa.scaleUpPercent() / 100.0)),
              periodStart + hpa.scaleUpPods());
      next = Math.min(next, limit);
    } else if (next < current) {
      int removed =
          -events.stream()
              .filter(e -> e.t() > t - hpa.scaleDownPeriod() && e.delta() < 0)
              .mapToInt(ScaleEvent::delta)
              .sum();
      int periodStart = current + removed;
      int limit = (int) Math.ceil(periodStart * (1 - hpa.scaleDownPercent() / 100.0));
      next = Math.max(next, limit);
    }
    return Math.max(hpa.minReplicas(), Math.min(hpa.maxReplicas(), next));
  }

  /** M/M/1/K: refusals and the sojourn time of accepted requests. */
  static final class QueueModel {
    private QueueModel() {}

    /** Probability that an arrival finds K in the system (and is refused), at load rho. */
    static double blocking(double rho, int k) {
      if (rho <= 0) {
        return 0;
      }
      return stateProbabilities(rho, k)[k];
    }

    /**
     * The 99th percentile of the time in the system of accepted requests across pods that each get
     * {@code arrivals} per second, grouped in cohorts (capacity -> pods); infinite when none are
     * ready.
     */
    static double p99(double arrivals, Map<Double, Integer> cohorts, int k) {
      if (cohorts.isEmpty()) {
        return Double.POSITIVE_INFINITY;
      }
      List<double[]> states = new ArrayList<>();
      for (double mu : cohorts.keySet()) {
        states.add(stateProbabilities(arrivals / mu, k));
      }
      double lo = 0;
      double hi = 1e-3;
      while (tail(arrivals, cohorts, states, k, hi) > 0.01) {
        hi *= 2;
      }
      for (int i = 0; i < 40; i++) {
        double mid = (lo + hi) / 2;
        if (tail(arrivals, cohorts, states, k, mid) > 0.01) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      return hi;
    }

    /** P(time in system > x) over all accepted requests, weighted by what each pod accepts. */
    private static double tail(
        double arrivals, Map<Double, Integer> cohorts, List<double[]> states, int k, double x) {
      double weighted = 0;
      double accepted = 0;
      int i = 0;
      for (Map.Entry<Double, Integer> cohort : cohorts.entrySet()) {
        double mu = cohort.getKey();
        double[] p = states.get(i++);
        double weight = arrivals * (1 - p[k]) * cohort.getValue();
        // An accepted arrival that finds n waits for n + 1 exponential services: Erlang(n + 1, mu).
        double poisson = Math.exp(-mu * x); // P(Poisson(mu x) = j), j from 0
        double erlangTail = 0; // P(Erlang(n + 1) > x) = P(Poisson(mu x) <= n)
        double sum = 0;
        for (int n = 0; n < k; n++) {
          erlangTail += poisson;
          sum += p[n] / (1 - p[k]) * erlangTail;
          poisson *= mu * x / (n + 1);
        }
        weighted += weight * sum;
        accepted += weight;
      }
      return accepted == 0 ? 0 : weighted / accepted;
    }

    private static double[] stateProbabilities(double rho, int k) {
      double[] p = new double[k + 1];
      // Proportional to rho^n; scaled by the largest term so that overload does not overflow.
      double logRho = Math.log(Math.max(rho, 1e-300));
      double maxLog = rho > 1 ? k * logRho : 0;
      double total = 0;
      for (int n = 0; n <= k; n++) {
        p[n] = Math.exp(n * logRho - maxLog);
        total += p[n];
      }
      for (int n = 0; n <= k; n++) {
        p[n] /= total;
      }
      return p;
    }
  }

  private static void trim(Deque<double[]> window, int seconds) {
    while (window.size() > seconds) {
      window.removeFirst();
    }
  }

  private static double mean(Deque<double[]> window) {
    return window.stream().mapToDouble(v -> v[0]).average().orElse(0);
  }

  private static double[] fractions(double steady, double... perSecond) {
    double[] f = new double[perSecond.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = Math.min(1, perSecond[i] / steady);
    }
    return f;
  }

  /** The scenarios of docs/CAPACITY.md. */
  record Scenario(
      String name, DoubleUnaryOperator traffic, int eventStart, int eventEnd, int seconds) {
    static final Scenario RAMP =
        new Scenario(
            "ramp 10k -> 60k req/s in 3 min",
            ramp(10_000, 60_000, 120, 180, 1200),
            120,
            1200,
            1800);
    static final Scenario STEP =
        new Scenario("step 10k -> 40k req/s", ramp(10_000, 40_000, 120, 1, 1200), 120, 1200, 1800);
  }

  /** Prints the summary and the timeline of the ramp (docs/CAPACITY.md). */
  public static void main(String[] args) {
    HpaSpec hpa = HpaSpec.prod();
    System.out.printf(
        Locale.ROOT,
        "HPA (k8s/overlays/prod): %d..%d pods, CPU %.0f %%, %.0f req/s per pod (native: %.0f), sync %d s,"
            + " up +%d %% or +%d pods / %d s, down after %d s by <= %d %% / %d s%n%n",
        hpa.minReplicas(),
        hpa.maxReplicas(),
        hpa.targetCpuUtilization() * 100,
        hpa.targetRps(),
        NATIVE.hpaFor(hpa).targetRps(),
        hpa.syncSeconds(),
        hpa.scaleUpPercent(),
        hpa.scaleUpPods(),
        hpa.scaleUpPeriod(),
        hpa.scaleDownWindow(),
        hpa.scaleDownPercent(),
        hpa.scaleDownPeriod());
    System.out.println(
        "| scenario | image | pods before -> max | all load served from | refused during the event | max p99 | seconds p99 > 50 ms |");
    System.out.println("| --- | --- | --- | ---: | ---: | ---: | ---: |");
    for (Scenario scenario : List.of(Scenario.RAMP, Scenario.STEP)) {
      for (PodProfile profile : List.of(JVM, NATIVE)) {
        Run run = simulate(profile, profile.hpaFor(hpa), scenario.traffic(), scenario.seconds());
        int from = run.servingFrom(scenario.eventStart(), scenario.eventEnd());
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %d -> %d | t = %d s (+%d s) | %,.0f (%.2f %%) | %.1f ms | %d |%n",
            scenario.name(),
            profile.name(),
            run.replicasAt(scenario.eventStart()),
            run.maxReplicas(),
            from,
            from - scenario.eventStart(),
            run.refused(scenario.eventStart(), scenario.eventEnd()),
            100
                * run.refused(scenario.eventStart(), scenario.eventEnd())
                / run.offered(scenario.eventStart(), scenario.eventEnd()),
            run.maxP99(scenario.eventStart(), scenario.eventEnd()) * 1000,
            run.secondsAbove(0.05, scenario.eventStart(), scenario.eventEnd()));
      }
    }
    Run jvm = simulate(JVM, JVM.hpaFor(hpa), Scenario.RAMP.traffic(), Scenario.RAMP.seconds());
    Run nat =
        simulate(NATIVE, NATIVE.hpaFor(hpa), Scenario.RAMP.traffic(), Scenario.RAMP.seconds());
    System.out.println();
    System.out.println(
        "Ramp, every 15 s, 5 s after each autoscaler sync (pods: replicas / ready; refused: req/s; p99: ms)");
    System.out.println();
    System.out.println(
        "| t s | offered req/s | JVM pods | JVM refused | JVM p99 | native pods | native refused | native p99 |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int t = 110; t <= 1800; t += 15) {
      if (t > 425 && t < 1190 || t > 1565 && t < 1790) {
        continue;
      }
      Second j = jvm.seconds().get(Math.min(t, 1799));
      Second n = nat.seconds().get(Math.min(t, 1799));
      System.out.printf(
          Locale.ROOT,
          "| %d | %,.0f | %d / %d | %,.0f | %s | %d / %d | %,.0f | %s |%n",
          j.t(),
          j.offered(),
          j.replicas(),
          j.ready(),
          j.refused(),
          ms(j.p99Seconds()),
          n.replicas(),
          n.ready(),
          n.refused(),
          ms(n.p99Seconds()));
    }
  }

  private static String ms(double seconds) {
    return Double.isInfinite(seconds) ? "-" : String.format(Locale.ROOT, "%.1f", seconds * 1000);
  }
}
