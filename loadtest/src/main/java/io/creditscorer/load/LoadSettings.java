package io.creditscorer.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What a load run targets and how hard, read from system properties so every simulation and the
 * gRPC load client take the same {@code -D} options. Loopback by default.
 *
 * <table>
 *   <caption>System properties</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>host</td><td>127.0.0.1</td><td>target host</td></tr>
 *   <tr><td>port</td><td>8080</td><td>HTTP port (REST)</td></tr>
 *   <tr><td>grpc.port</td><td>9000</td><td>gRPC port</td></tr>
 *   <tr><td>rps</td><td>100</td><td>arrival rate, requests per second (open model)</td></tr>
 *   <tr><td>duration</td><td>60s (soak: 10m)</td><td>length of the shape, e.g. 90s, 10m</td></tr>
 *   <tr><td>shape</td><td>constant</td><td>constant, ramp, spike or soak ({@link Shape})</td></tr>
 *   <tr><td>warmup</td><td>30s (ramp: 0s)</td><td>ramp from 1 req/s to {@code rps}
 *       first, not measured; 0s starts cold at the full rate</td></tr>
 *   <tr><td>settle</td><td>0s</td><td>soak: then {@code rps} this long, still warm-up</td></tr>
 *   <tr><td>spike.factor</td><td>3</td><td>spike: rate multiplier during the spike</td></tr>
 *   <tr><td>spike.duration</td><td>10s</td><td>spike: how long the spike lasts</td></tr>
 *   <tr><td>p99.ms</td><td>100</td><td>assertion: p99 response time at most this</td></tr>
 *   <tr><td>max.error.pct</td><td>0.1</td><td>assertion: failed requests at most this %</td></tr>
 *   <tr><td>model.version</td><td>2</td><td>model version the rows are encoded for</td></tr>
 *   <tr><td>project.dir</td><td>.</td><td>where data/ and models/ are</td></tr>
 * </table>
 *
 * @param host target host
 * @param port HTTP port
 * @param grpcPort gRPC port
 * @param rps arrival rate at full load, requests per second
 * @param duration length of the main phase
 * @param shape how the arrival rate moves over time
 * @param warmup ramp-up before the main phase, not measured (a ramp shape has none)
 * @param settle soak only: time at {@code rps} after the ramp-up, still warm-up
 * @param spikeFactor spike only: rate multiplier during the spike
 * @param spikeDuration spike only: length of the spike
 * @param p99Millis largest acceptable p99 response time
 * @param maxErrorPercent largest acceptable share of failed requests, in percent
 * @param modelVersion model version whose encoding builds the V2 rows
 * @param projectDir directory holding {@code data/} and {@code models/}
 */
public record LoadSettings(
    String host,
    int port,
    int grpcPort,
    double rps,
    Duration duration,
    Shape shape,
    Duration warmup,
    Duration settle,
    double spikeFactor,
    Duration spikeDuration,
    int p99Millis,
    double maxErrorPercent,
    String modelVersion,
    String projectDir) {

  /**
   * How the arrival rate moves over a run. Every shape but the ramp starts with a warm-up: a ramp
   * from 1 req/s to {@code rps} over {@code warmup}. An open model started cold at its full rate
   * meets a service and a load generator whose JIT is still at work; the answers slow down, the
   * generator's shared pool opens a connection for every request that finds none free, and each new
   * connection slows the service further (docs/BENCHMARKS.md, "Load tests and soak").
   */
  public enum Shape {
    /** {@code rps} for {@code duration}. */
    CONSTANT,
    /** Linearly from 1 req/s to {@code rps} over {@code duration}: finds the knee. */
    RAMP,
    /**
     * {@code rps}, then {@code spike.factor × rps} for {@code spike.duration} in the middle, then
     * {@code rps} again; {@code duration} in all.
     */
    SPIKE,
    /**
     * The warm-up, then {@code rps} for {@code settle}, still warm-up (the JIT of a service and of
     * the load generator still at work), then {@code rps} for {@code duration}, the measured phase.
     */
    SOAK
  }

  /**
   * One stretch of a shape: the arrival rate moves linearly from {@code fromRps} to {@code toRps}.
   * A warm-up phase is run and reported but not asserted on.
   */
  public record Phase(double fromRps, double toRps, Duration duration, boolean warmup) {

    /** A measured phase. */
    public Phase(double fromRps, double toRps, Duration duration) {
      this(fromRps, toRps, duration, false);
    }

    /** Rate at {@code elapsed} into this phase. */
    public double rateAt(Duration elapsed) {
      double f = Math.min(1.0, (double) elapsed.toNanos() / duration.toNanos());
      return fromRps + (toRps - fromRps) * f;
    }
  }

  public LoadSettings {
    require(rps > 0, "rps", "must be > 0");
    require(port > 0 && port < 65536, "port", "must be a TCP port");
    require(grpcPort > 0 && grpcPort < 65536, "grpc.port", "must be a TCP port");
    require(!duration.isNegative() && !duration.isZero(), "duration", "must be > 0");
    require(!warmup.isNegative(), "warmup", "must be >= 0");
    require(!settle.isNegative(), "settle", "must be >= 0");
    require(spikeFactor >= 1, "spike.factor", "must be >= 1");
    require(
        shape != Shape.SPIKE || spikeDuration.compareTo(duration) < 0,
        "spike.duration",
        "must be shorter than duration");
    require(p99Millis > 0, "p99.ms", "must be > 0");
    require(maxErrorPercent >= 0 && maxErrorPercent <= 100, "max.error.pct", "must be 0..100");
  }

  /** Reads the settings from {@link System#getProperties()}. */
  public static LoadSettings fromSystemProperties() {
    return from(System.getProperties());
  }

  /**
   * Reads the settings from {@code p}.
   *
   * @throws IllegalArgumentException naming the key whose value is unusable
   */
  public static LoadSettings from(Properties p) {
    Shape shape = shape(p.getProperty("shape", "constant"));
    return new LoadSettings(
        p.getProperty("host", "127.0.0.1"),
        integer(p, "port", "8080"),
        integer(p, "grpc.port", "9000"),
        number(p, "rps", "100"),
        duration(p, "duration", shape == Shape.SOAK ? "10m" : "60s"),
        shape,
        duration(p, "warmup", shape == Shape.RAMP ? "0s" : "30s"),
        duration(p, "settle", "0s"),
        number(p, "spike.factor", "3"),
        duration(p, "spike.duration", "10s"),
        integer(p, "p99.ms", "100"),
        number(p, "max.error.pct", "0.1"),
        p.getProperty("model.version", "2"),
        p.getProperty("project.dir", "."));
  }

  /** The phases of this shape, in order: its warm-up ones, then the measured ones. */
  public List<Phase> phases() {
    List<Phase> phases = new ArrayList<>();
    if (!warmup.isZero() && shape != Shape.RAMP) {
      phases.add(new Phase(1, rps, warmup, true));
    }
    switch (shape) {
      case CONSTANT -> phases.add(new Phase(rps, rps, duration));
      case RAMP -> phases.add(new Phase(1, rps, duration));
      case SPIKE -> {
        Duration calm = duration.minus(spikeDuration).dividedBy(2);
        double peak = rps * spikeFactor;
        phases.add(new Phase(rps, rps, calm));
        phases.add(new Phase(peak, peak, spikeDuration));
        phases.add(new Phase(rps, rps, duration.minus(spikeDuration).minus(calm)));
      }
      case SOAK -> {
        if (!settle.isZero()) {
          phases.add(new Phase(rps, rps, settle, true));
        }
        phases.add(new Phase(rps, rps, duration));
      }
    }
    return List.copyOf(phases);
  }

  /** The phases that are measured and asserted on. */
  public List<Phase> measuredPhases() {
    return phases().stream().filter(phase -> !phase.warmup()).toList();
  }

  /** Total length of all phases. */
  public Duration totalDuration() {
    return phases().stream().map(Phase::duration).reduce(Duration.ZERO, Duration::plus);
  }

  /** One line describing the run, for logs and reports. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%s at %.0f req/s for %ss (%s), target %s; assert p99 <= %d ms, errors <= %.2f %%",
        shape.name().toLowerCase(Locale.ROOT),
        rps,
        totalDuration().toSeconds(),
        phases().stream()
            .map(
                ph ->
                    String.format(
                        Locale.ROOT,
                        "%.0f->%.0f/s %ds%s",
                        ph.fromRps(),
                        ph.toRps(),
                        ph.duration().toSeconds(),
                        ph.warmup() ? " warm-up" : ""))
            .toList(),
        host,
        p99Millis,
        maxErrorPercent);
  }

  private static Shape shape(String value) {
    try {
      return Shape.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "shape: '" + value + "' is not one of constant, ramp, spike, soak", e);
    }
  }

  private static int integer(Properties p, String key, String def) {
    String value = p.getProperty(key, def).trim();
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + value + "' is not an integer", e);
    }
  }

  private static double number(Properties p, String key, String def) {
    String value = p.getProperty(key, def).trim();
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + value + "' is not a number", e);
    }
  }

  /** Accepts {@code 90}, {@code 90s}, {@code 10m} or {@code 1h}. */
  static Duration duration(Properties p, String key, String def) {
    String value = p.getProperty(key, def).trim().toLowerCase(Locale.ROOT);
    try {
      char unit = value.isEmpty() ? ' ' : value.charAt(value.length() - 1);
      if (Character.isDigit(unit)) {
        return Duration.ofSeconds(Long.parseLong(value));
      }
      long n = Long.parseLong(value.substring(0, value.length() - 1));
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException(value);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + ": '" + value + "' is not a duration such as 90, 90s, 10m or 1h", e);
    }
  }

  private static void require(boolean ok, String key, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(key + ": " + problem);
    }
  }
}
