package io.creditscorer.routing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * Chooses the version of each request from its model's {@link RoutingPolicy}: an explicit version
 * always wins; otherwise the canary gets the applicants whose id falls in its share and the stable
 * version the rest. The assignment is sticky: it depends only on the applicant id (a stable hash
 * into 10,000 buckets), so the same applicant meets the same version while the weights hold, and
 * raising the canary share only moves applicants from stable to canary. Requests without an id are
 * assigned at random. Thread-safe; policies are swapped atomically.
 */
public final class Router {

  private static final int BUCKETS = 10_000;

  private final AtomicReference<Map<String, RoutingPolicy>> policies;
  private final BiConsumer<String, RoutingPolicy> applied;

  public Router(Map<String, RoutingPolicy> initial) {
    this(initial, (model, policy) -> {});
  }

  /**
   * @param applied told of every policy when it takes effect, the initial ones included (the
   *     metrics use it to export a configured fallback's counter from zero)
   */
  public Router(Map<String, RoutingPolicy> initial, BiConsumer<String, RoutingPolicy> applied) {
    this.policies = new AtomicReference<>(Map.copyOf(initial));
    this.applied = applied;
    initial.forEach(applied);
  }

  public RoutingPolicy policy(String model) {
    return policies.get().getOrDefault(model, RoutingPolicy.LATEST);
  }

  public Map<String, RoutingPolicy> policies() {
    return policies.get();
  }

  public void set(String model, RoutingPolicy policy) {
    policies.updateAndGet(
        old -> {
          Map<String, RoutingPolicy> next = new HashMap<>(old);
          next.put(model, policy);
          return Map.copyOf(next);
        });
    applied.accept(model, policy);
  }

  /**
   * @param explicit the version the caller named, or {@code null}
   * @param stickyKey the applicant id, or {@code null}
   * @return the version to serve, or {@code null} for the latest
   */
  public String choose(String model, String explicit, String stickyKey) {
    if (explicit != null) {
      return explicit;
    }
    RoutingPolicy p = policy(model);
    if (p.canary() != null && p.canaryPercent() > 0) {
      int bucket =
          stickyKey == null ? ThreadLocalRandom.current().nextInt(BUCKETS) : bucket(stickyKey);
      if (bucket < p.canaryPercent() * (BUCKETS / 100)) {
        return p.canary();
      }
    }
    return p.stable();
  }

  /** The shadow version to compare this request against, or {@code null} (not sampled, none). */
  public String shadow(String model, String served) {
    RoutingPolicy p = policy(model);
    if (p.shadow() == null
        || p.shadow().equals(served)
        || ThreadLocalRandom.current().nextInt(100) >= p.shadowPercent()) {
      return null;
    }
    return p.shadow();
  }

  /** A stable bucket in [0, 10000) for a key: FNV-1a over its characters, then a 64-bit mix. */
  static int bucket(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) Math.floorMod(h, (long) BUCKETS);
  }
}
