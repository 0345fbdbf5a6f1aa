package io.creditscorer.delivery;

import static io.creditscorer.delivery.HpaSimulation.JVM;
import static io.creditscorer.delivery.HpaSimulation.NATIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.delivery.HpaSimulation.HpaSpec;
import io.creditscorer.delivery.HpaSimulation.QueueModel;
import io.creditscorer.delivery.HpaSimulation.Run;
import io.creditscorer.delivery.HpaSimulation.Scenario;
import java.util.ArrayDeque;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulation of the prod HPA (docs/CAPACITY.md): its pieces, then what it shows. */
class HpaSimulationTest {

  static final HpaSpec HPA = HpaSpec.prod();

  @Test
  void theSimulatedAutoscalerIsTheShippedOne() {
    assertEquals(3, HPA.minReplicas());
    assertEquals(40, HPA.maxReplicas());
    assertEquals(0.6, HPA.targetCpuUtilization(), 1e-9);
    assertEquals(0.6 * HpaSimulation.POD_CAPACITY, HPA.targetRps(), 0.01 * HPA.targetRps());
    assertEquals(300, HPA.scaleDownWindow());
  }

  @Test
  void replicaFormulaHasATolerance() {
    // ceil(10 * 4000 / 3300) = 13; within 10 % of the target nothing moves.
    assertEquals(13, HpaSimulation.desiredReplicas(10, 10, 0, 4000, 3300, 0.1));
    assertEquals(10, HpaSimulation.desiredReplicas(10, 10, 0, 3500, 3300, 0.1));
    assertEquals(8, HpaSimulation.desiredReplicas(10, 10, 0, 2500, 3300, 0.1));
    // Pods still starting count as idle on the way up: 10 ready at 4000 and 3 starting -> 13.
    assertEquals(13, HpaSimulation.desiredReplicas(13, 10, 3, 4000, 3300, 0.1));
    // ... so that they are not asked for twice: 3 starting already cover the excess.
    assertEquals(13, HpaSimulation.desiredReplicas(13, 10, 3, 4200, 3300, 0.1));
  }

  @Test
  void scaleUpIsRateLimitedAndScaleDownWaitsForItsWindow() {
    var events = new ArrayDeque<HpaSimulation.ScaleEvent>();
    var recommendations = new ArrayDeque<HpaSimulation.Recommendation>();
    // From 3 pods one sync adds at most max(+100 %, +4 pods) = 7.
    assertEquals(7, HpaSimulation.applyBehavior(HPA, 15, 3, 30, recommendations, events));
    // A lower recommendation within 5 minutes of a higher one does not scale down.
    assertEquals(7, HpaSimulation.applyBehavior(HPA, 30, 7, 3, recommendations, events));
  }

  @Test
  void queueModelRefusesOnlyBeyondCapacityAndItsP99GrowsWithLoad() {
    assertTrue(QueueModel.blocking(0.6, 64) < 1e-12);
    assertEquals(1 - 1 / 1.5, QueueModel.blocking(1.5, 64), 1e-6); // refuses the excess
    double light = QueueModel.p99(1000, Map.of(5500.0, 1), 64);
    double busy = QueueModel.p99(5000, Map.of(5500.0, 1), 64);
    assertEquals(Math.log(100) / 4500, light, 1e-3 * light); // M/M/1: ln(100) / (mu - lambda)
    assertTrue(busy > 5 * light, light + " " + busy);
  }

  @Test
  void replicasConvergeToTheLoadOverTheTargetAndComeBackDownSlowly() {
    for (var profile : new HpaSimulation.PodProfile[] {JVM, NATIVE}) {
      HpaSpec hpa = profile.hpaFor(HPA);
      Run run =
          HpaSimulation.simulate(profile, hpa, Scenario.RAMP.traffic(), Scenario.RAMP.seconds());
      int needed = (int) Math.ceil(60_000 / hpa.targetRps());
      int settled = run.replicasAt(1190);
      assertTrue(
          settled >= needed
              && settled <= Math.ceil(60_000 / (hpa.targetRps() * (1 - hpa.tolerance()))),
          profile.name() + ": " + settled + " pods for " + needed + " needed");
      assertEquals(0, run.refused(900, 1200), 1, "no refusals once scaled");
      // The load drops at 1200 s: nothing happens within the 5-minute window, then 20 % a minute.
      assertEquals(settled, run.replicasAt(1200 + 280));
      assertTrue(run.replicasAt(1799) < settled);
      assertTrue(run.replicasAt(1799) >= Math.ceil(10_000 / hpa.targetRps()));
    }
  }

  @Test
  void nativePodsServeTheRampSoonerAndRefuseLess() {
    for (Scenario scenario : new Scenario[] {Scenario.RAMP, Scenario.STEP}) {
      Run jvm =
          HpaSimulation.simulate(JVM, JVM.hpaFor(HPA), scenario.traffic(), scenario.seconds());
      Run nat =
          HpaSimulation.simulate(
              NATIVE, NATIVE.hpaFor(HPA), scenario.traffic(), scenario.seconds());
      int start = scenario.eventStart();
      int end = scenario.eventEnd();
      assertTrue(jvm.refused(start, end) > 0, scenario.name() + ": the JVM refuses while warming");
      assertTrue(
          nat.refused(start, end) < jvm.refused(start, end),
          scenario.name()
              + ": native "
              + nat.refused(start, end)
              + " vs JVM "
              + jvm.refused(start, end));
      assertTrue(nat.servingFrom(start, end) <= jvm.servingFrom(start, end), scenario.name());
      assertTrue(nat.maxP99(start, end) <= jvm.maxP99(start, end), scenario.name());
    }
  }
}
