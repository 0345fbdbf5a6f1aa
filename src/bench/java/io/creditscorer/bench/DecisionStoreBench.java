package io.creditscorer.bench;

import io.creditscorer.feedback.DecisionStore;
import io.creditscorer.feedback.FileDecisionStore;
import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.feedback.OutcomeReport;
import io.creditscorer.feedback.PerformanceWindows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The decision store at its default bound: how fast decisions are appended (in the background
 * thread's batches), how long replaying a full file takes at start-up, how much heap a stored
 * decision costs, and how long one performance refresh takes. One process, wall-clock, after a
 * warm-up pass; see docs/BENCHMARKS.md.
 *
 * <p>Run: {@code mvn -Pbench test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.creditscorer.bench.DecisionStoreBench [-Dexec.args="100000 5000"]}
 */
public final class DecisionStoreBench {

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    for (String pass : List.of("warm-up", "measured")) {
      Path dir = Files.createTempDirectory("decision-store-bench");
      System.out.printf(
          "%s pass: %,d decisions, all with an outcome, window %,d%n", pass, entries, window);
      try {
        run(dir, entries, window);
      } finally {
        io.creditscorer.TestModels.deleteRecursively(dir);
      }
    }
  }

  private static long bytesIn(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      long total = 0;
      for (Path f : (Iterable<Path>) files::iterator) {
        total += Files.size(f);
      }
      return total;
    }
  }

  private static void run(Path dir, int entries, int window) throws Exception {
    Random random = new Random(42);
    Clock clock = Clock.systemUTC();
    List<DecisionStore.NewDecision> decisions = new ArrayList<>(entries);
    for (int i = 0; i < entries; i++) {
      double pd = random.nextDouble();
      decisions.add(
          new DecisionStore.NewDecision(
              UUID.randomUUID().toString(),
              "A-" + i,
              "credit-risk",
              i % 10 == 0 ? "1" : "2",
              pd,
              600,
              pd < 0.17 ? "approve" : pd < 0.5 ? "refer" : "decline",
              clock.instant()));
    }
    long t0 = System.nanoTime();
    try (DecisionStore store = FileDecisionStore.open(dir, entries, Duration.ofDays(400), clock)) {
      for (int from = 0; from < entries; from += 64) { // the feedback thread's batches
        store.add(decisions.subList(from, Math.min(entries, from + 64)));
      }
      long t1 = System.nanoTime();
      System.out.printf(
          "  append: %,.0f decisions/s (%.0f ms), segments %,d bytes%n",
          entries / ((t1 - t0) / 1e9), (t1 - t0) / 1e6, bytesIn(dir));
    }
    OutcomeFeedback feedback;
    long heapBefore = usedHeap();
    long t2 = System.nanoTime();
    DecisionStore store = FileDecisionStore.open(dir, entries, Duration.ofDays(400), clock);
    long t3 = System.nanoTime();
    long heapAfter = usedHeap();
    System.out.printf(
        "  replay at open: %.0f ms; heap %.0f bytes per stored decision%n",
        (t3 - t2) / 1e6, (heapAfter - heapBefore) / (double) entries);
    feedback =
        new OutcomeFeedback(
            store,
            new io.creditscorer.feedback.FeedbackSettings(
                1024,
                10_000,
                Duration.ofSeconds(5),
                new PerformanceWindows.Settings(window, Duration.ofDays(90), 10),
                new io.creditscorer.feedback.FairnessWindows.Settings(
                    io.creditscorer.feedback.MonitoredGroups.DEFAULT, 30, 0.1)),
            clock,
            (m, v) -> v.equals("2"),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    int refreshes = 20;
    long r0 = System.nanoTime();
    for (int i = 0; i < refreshes; i++) {
      feedback.refresh();
    }
    System.out.printf(
        "  performance refresh, no outcome yet (as under a load test): %.1f ms each%n",
        (System.nanoTime() - r0) / 1e6 / refreshes);
    long t4 = System.nanoTime();
    Instant now = clock.instant();
    for (int from = 0; from < entries; from += 1000) {
      List<OutcomeReport> outcomes = new ArrayList<>(1000);
      for (int i = from; i < Math.min(entries, from + 1000); i++) {
        outcomes.add(
            new OutcomeReport(
                decisions.get(i).requestId(), null, random.nextBoolean(), now, List.of()));
      }
      feedback.report(outcomes);
    }
    long t5 = System.nanoTime();
    System.out.printf(
        "  outcomes: %,.0f /s in reports of 1,000 (each report synced)%n",
        entries / ((t5 - t4) / 1e9));
    long t6 = System.nanoTime();
    for (int i = 0; i < refreshes; i++) {
      feedback.refresh();
    }
    long t7 = System.nanoTime();
    System.out.printf(
        "  performance refresh, every decision with an outcome: %.1f ms each%n",
        (t7 - t6) / 1e6 / refreshes);
    feedback.close();
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
