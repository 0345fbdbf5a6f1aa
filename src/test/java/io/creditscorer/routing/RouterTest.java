package io.creditscorer.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.monitoring.ScoringMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

  static String id(int i) {
    return String.format("APP-%06d", i);
  }

  @Test
  void aTenPercentCanaryGetsTenPercentOfTenThousandDistinctApplicants() {
    Router router = new Router(Map.of("m", new RoutingPolicy("1", "2", 10, null, 0, null)));
    int canary = 0;
    for (int i = 0; i < 10_000; i++) {
      canary += "2".equals(router.choose("m", null, id(i))) ? 1 : 0;
    }
    assertTrue(canary >= 800 && canary <= 1200, "canary got " + canary + " of 10,000");
  }

  @Test
  void assignmentIsStickyAndRaisingTheShareOnlyMovesApplicantsToTheCanary() {
    Router router = new Router(Map.of("m", new RoutingPolicy("1", "2", 10, null, 0, null)));
    Map<String, String> first = new HashMap<>();
    for (int i = 0; i < 2_000; i++) {
      first.put(id(i), router.choose("m", null, id(i)));
    }
    for (int i = 0; i < 2_000; i++) {
      assertEquals(
          first.get(id(i)), router.choose("m", null, id(i)), "same applicant, same version");
    }
    router.set("m", new RoutingPolicy("1", "2", 30, null, 0, null));
    for (int i = 0; i < 2_000; i++) {
      if ("2".equals(first.get(id(i)))) {
        assertEquals("2", router.choose("m", null, id(i)), id(i) + " stays on the canary");
      }
    }
  }

  @Test
  void anExplicitVersionAlwaysWinsAndNoPolicyMeansTheLatest() {
    Router router = new Router(Map.of("m", new RoutingPolicy("1", "2", 100, null, 0, null)));
    assertEquals("1", router.choose("m", "1", "anyone"));
    assertEquals("2", router.choose("m", null, "anyone"));
    assertNull(router.choose("other", null, "anyone"));
  }

  @Test
  void theShadowIsSampledAndNeverTheServedVersion() {
    Router router = new Router(Map.of("m", new RoutingPolicy(null, null, 0, "3", 100, null)));
    assertEquals("3", router.shadow("m", "2"));
    assertNull(router.shadow("m", "3"), "a version is never its own shadow");
    router.set("m", new RoutingPolicy(null, null, 0, "3", 0, null));
    for (int i = 0; i < 1000; i++) {
      assertNull(router.shadow("m", "2"));
    }
    router.set("m", new RoutingPolicy(null, null, 0, "3", 25, null));
    int sampled = 0;
    for (int i = 0; i < 10_000; i++) {
      sampled += router.shadow("m", "2") != null ? 1 : 0;
    }
    assertTrue(sampled > 2000 && sampled < 3000, "sampled " + sampled + " of 10,000 at 25 %");
  }

  @Test
  void inconsistentPoliciesAreRefusedByField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new RoutingPolicy(null, "2", 101, null, 0, null));
    assertTrue(e.getMessage().contains("canary_percent"));
    assertThrows(
        IllegalArgumentException.class, () -> new RoutingPolicy(null, null, 5, null, 0, null));
    assertThrows(
        IllegalArgumentException.class, () -> new RoutingPolicy(null, null, 0, null, 5, null));
  }

  @Test
  void aConfiguredFallbacksCounterIsExportedAtZeroBeforeTheFirstFallback() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ScoringMetrics metrics = new ScoringMetrics(registry);
    Router router =
        new Router(
            Map.of("m", new RoutingPolicy("2", null, 0, null, 0, "1")),
            metrics::fallbackConfigured);
    assertEquals(
        0.0,
        registry
            .get("scorer.fallbacks")
            .tags("model", "m", "version", "2", "fallback", "1")
            .counter()
            .count());
    router.set("m", new RoutingPolicy("2", "3", 10, null, 0, "1"));
    assertEquals(2, registry.find("scorer.fallbacks").counters().size());
    metrics.fallback("m", "3", "1");
    assertEquals(1.0, registry.get("scorer.fallbacks").tags("version", "3").counter().count());
  }
}
