package io.creditscorer.api;

import static io.creditscorer.api.Admission.Verdict.ADMITTED;
import static io.creditscorer.api.Admission.Verdict.ADMITTED_IN_BURST;
import static io.creditscorer.api.Admission.Verdict.REFUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.api.Admission.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  private long now;
  private final Admission admission =
      new Admission("scorer.http", 4, 8, Duration.ofSeconds(1), () -> now);

  private List<Verdict> enter(int requests) {
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      verdicts.add(admission.tryEnter());
    }
    return verdicts;
  }

  private void exit(int requests) {
    for (int i = 0; i < requests; i++) {
      admission.exit();
    }
  }

  private void advanceMillis(long millis) {
    now += Duration.ofMillis(millis).toNanos();
  }

  @Test
  void aBurstIsAdmittedUpToItsBoundAndNoFurther() {
    assertEquals(
        List.of(
            ADMITTED,
            ADMITTED,
            ADMITTED,
            ADMITTED,
            ADMITTED_IN_BURST,
            ADMITTED_IN_BURST,
            ADMITTED_IN_BURST,
            ADMITTED_IN_BURST,
            REFUSED),
        enter(9));
    assertEquals(8, admission.inflight());
  }

  @Test
  void aBurstThatDrainsWithinTheGraceLeavesTheNextBurstAFullGrace() {
    enter(6);
    advanceMillis(900);
    exit(3);
    assertEquals(ADMITTED, admission.tryEnter()); // 4 in progress: back at the limit
    advanceMillis(900);
    assertEquals(List.of(ADMITTED_IN_BURST, ADMITTED_IN_BURST), enter(2));
    advanceMillis(900);
    assertEquals(ADMITTED_IN_BURST, admission.tryEnter());
  }

  @Test
  void anExcessThatOutlastsTheGraceIsRefusedUntilAWholeGracePassesWithinTheLimit() {
    enter(6);
    advanceMillis(1001);
    assertEquals(REFUSED, admission.tryEnter());
    exit(3); // 3 in progress
    assertEquals(List.of(ADMITTED, REFUSED), enter(2), "standing overload: the limit holds");
    advanceMillis(999);
    exit(3); // 1 in progress
    assertEquals(
        List.of(ADMITTED, ADMITTED, ADMITTED, REFUSED),
        enter(4),
        "999 ms since the last refusal: still a standing overload");
    advanceMillis(1000);
    exit(3); // 1 in progress
    assertEquals(
        List.of(ADMITTED, ADMITTED, ADMITTED, ADMITTED_IN_BURST),
        enter(4),
        "a whole grace without a request above the limit: bursts are absorbed again");
    assertEquals(5, admission.inflight());
  }

  @Test
  void theGraceRunsFromTheFirstRequestAboveTheLimit() {
    enter(5);
    advanceMillis(1000);
    assertEquals(ADMITTED_IN_BURST, admission.tryEnter());
    advanceMillis(1);
    assertEquals(REFUSED, admission.tryEnter());
  }

  @Test
  void noGraceMeansTheLimitIsHard() {
    Admission hard = new Admission("scorer.http", 2, 8, Duration.ZERO, () -> now);
    assertEquals(ADMITTED, hard.tryEnter());
    assertEquals(ADMITTED, hard.tryEnter());
    assertEquals(REFUSED, hard.tryEnter());
    hard.exit();
    assertEquals(ADMITTED, hard.tryEnter());
  }

  @Test
  void aBurstBoundBelowTheLimitIsRejectedNamingBothSettings() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Admission("scorer.http", 8, 4, Duration.ofSeconds(1), () -> now));
    assertTrue(e.getMessage().contains("scorer.http.burst-inflight (4)"), e.getMessage());
    assertTrue(e.getMessage().contains("scorer.http.max-inflight (8)"), e.getMessage());
  }
}
