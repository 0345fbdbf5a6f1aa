package io.creditscorer.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.load.LoadSettings.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LoadSettingsTest {

  private static LoadSettings of(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return LoadSettings.from(p);
  }

  @Test
  void defaultsTargetLoopbackAtAConstantRate() {
    LoadSettings s = of();
    assertEquals("127.0.0.1", s.host());
    assertEquals(8080, s.port());
    assertEquals(9000, s.grpcPort());
    assertEquals(
        List.of(
            new Phase(1, 100, Duration.ofSeconds(30), true),
            new Phase(100, 100, Duration.ofSeconds(60))),
        s.phases());
    assertEquals(List.of(new Phase(100, 100, Duration.ofSeconds(60))), s.measuredPhases());
  }

  @Test
  void aZeroWarmUpStartsColdAtTheFullRateAndARampHasNone() {
    assertEquals(List.of(new Phase(100, 100, Duration.ofSeconds(60))), of("warmup", "0s").phases());
    assertEquals(
        List.of(new Phase(1, 100, Duration.ofSeconds(60))),
        of("shape", "ramp", "warmup", "30s").phases());
    assertEquals(List.of(new Phase(1, 100, Duration.ofSeconds(60))), of("shape", "ramp").phases());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> of("warmup", "-5s"));
    assertTrue(e.getMessage().startsWith("warmup:"), e.getMessage());
  }

  @Test
  void spikeMultipliesTheRateInTheMiddleAndKeepsTheTotalDuration() {
    LoadSettings s = of("shape", "spike", "rps", "200", "duration", "70s", "spike.factor", "4");
    assertEquals(new Phase(1, 200, Duration.ofSeconds(30), true), s.phases().get(0));
    List<Phase> phases = s.measuredPhases();
    assertEquals(3, phases.size());
    assertEquals(200, phases.get(0).fromRps());
    assertEquals(800, phases.get(1).fromRps());
    assertEquals(Duration.ofSeconds(10), phases.get(1).duration());
    assertEquals(200, phases.get(2).toRps());
    assertEquals(Duration.ofSeconds(100), s.totalDuration(), "with the warm-up");
  }

  @Test
  void soakRampsUpAsWarmUpThenHoldsForTenMinutesByDefault() {
    LoadSettings s = of("shape", "SOAK", "rps", "500", "warmup", "1m");
    assertEquals(
        List.of(
            new Phase(1, 500, Duration.ofMinutes(1), true),
            new Phase(500, 500, Duration.ofMinutes(10), false)),
        s.phases());
    assertEquals(Duration.ofMinutes(11), s.totalDuration());
  }

  @Test
  void soakSettlesAtTheFullRateBeforeTheMeasuredPhase() {
    LoadSettings s = of("shape", "soak", "rps", "500", "warmup", "1m", "settle", "2m");
    assertEquals(
        List.of(
            new Phase(1, 500, Duration.ofMinutes(1), true),
            new Phase(500, 500, Duration.ofMinutes(2), true),
            new Phase(500, 500, Duration.ofMinutes(10), false)),
        s.phases());
    assertTrue(s.describe().contains("500->500/s 120s warm-up"), s.describe());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> of("shape", "soak", "settle", "-1"));
    assertTrue(e.getMessage().startsWith("settle:"), e.getMessage());
  }

  @Test
  void rampRisesLinearly() {
    Phase ramp = of("shape", "ramp", "rps", "101", "duration", "100").phases().get(0);
    assertEquals(1, ramp.rateAt(Duration.ZERO));
    assertEquals(51, ramp.rateAt(Duration.ofSeconds(50)), 1e-9);
    assertEquals(101, ramp.rateAt(Duration.ofSeconds(100)));
  }

  @Test
  void badValuesNameTheirKey() {
    assertMessage("rps: 'fast' is not a number", "rps", "fast");
    assertMessage("rps: must be > 0", "rps", "0");
    assertMessage("shape: 'burst' is not one of constant, ramp, spike, soak", "shape", "burst");
    assertMessage(
        "duration: '10 minutes' is not a duration such as 90, 90s, 10m or 1h",
        "duration",
        "10 minutes");
    assertMessage("max.error.pct: must be 0..100", "max.error.pct", "101");
  }

  private static void assertMessage(String expected, String key, String value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(key, value));
    assertEquals(expected, e.getMessage());
    assertTrue(e.getMessage().startsWith(key + ":"));
  }
}
