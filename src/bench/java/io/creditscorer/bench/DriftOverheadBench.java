package io.creditscorer.bench;

import io.creditscorer.TestModels;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.monitoring.DriftMonitor;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.RepositorySettings;
import io.creditscorer.routing.Router;
import io.creditscorer.scoring.CreditRequest;
import io.creditscorer.scoring.DirectRunner;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.spi.DecisionListener;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The CPU cost of drift monitoring per credit decision, measured so that a shared machine's slow
 * phases cancel out: two engines, identical but for the drift monitor, score the same applicants in
 * short alternating blocks (off then on, then on then off, ...), and each round's ratio on ÷ off is
 * taken from blocks run a few milliseconds apart. One applicant per decision (the 1,000 German
 * Credit rows in turn), reason codes on as shipped, on the calling thread. With drift on, each
 * block also does the drift thread's work for its observations ({@code processPending}), so the
 * background cost is charged to the decisions as it would be on one core.
 *
 * <p>Run: {@code mvn -Pbench test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.creditscorer.bench.DriftOverheadBench [-Dexec.args="version rounds block"]}
 */
public final class DriftOverheadBench {

  public static void main(String[] args) throws Exception {
    String version = args.length > 0 ? args[0] : "2";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int block = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    try (ModelRepository repository =
        new ModelRepository(
            new RepositorySettings(Path.of("models"), RepositorySettings.VersionPolicy.ALL, 1, 5),
            SessionSettings.defaults())) {
      repository.loadAll();
      DriftMonitor monitor = new DriftMonitor(1000, 1024, new SimpleMeterRegistry());
      ScoringEngine off = engine(repository, DecisionListener.none());
      ScoringEngine on = engine(repository, monitor);
      List<Map<String, Object>> rows = Arff.read(Path.of("data/credit-g.arff")).rows();
      CreditRequest[] requests = new CreditRequest[rows.size()];
      for (int i = 0; i < requests.length; i++) {
        requests[i] =
            new CreditRequest(
                "bench", version, List.of(TrainCreditModels.applicant(rows.get(i))), null, null);
      }
      System.out.printf(
          "model version %s: %d rounds of %d decisions with drift off and %d on, alternating%n",
          version, rounds, block, block);
      System.out.println("warming up (20 rounds, not counted) ...");
      for (int r = 0; r < 20; r++) {
        time(off, null, requests, block);
        time(on, monitor, requests, block);
      }
      double[] ratio = new double[rounds];
      long offTotal = 0;
      long onTotal = 0;
      for (int r = 0; r < rounds; r++) {
        long tOff;
        long tOn;
        if (r % 2 == 0) {
          tOff = time(off, null, requests, block);
          tOn = time(on, monitor, requests, block);
        } else {
          tOn = time(on, monitor, requests, block);
          tOff = time(off, null, requests, block);
        }
        offTotal += tOff;
        onTotal += tOn;
        ratio[r] = (double) tOn / tOff;
        if ((r + 1) % 50 == 0) {
          System.out.printf("  %d/%d rounds%n", r + 1, rounds);
        }
      }
      Arrays.sort(ratio);
      double perOff = offTotal / 1e3 / ((double) rounds * block);
      double perOn = onTotal / 1e3 / ((double) rounds * block);
      System.out.printf(
          "drift off: %.1f us per decision; drift on: %.1f us (totals over all rounds)%n",
          perOff, perOn);
      System.out.printf(
          "on / off per round: median %.3f, interquartile %.3f-%.3f; overall %.3f"
              + " -> drift costs %.1f %% of a decision's CPU%n",
          ratio[rounds / 2],
          ratio[rounds / 4],
          ratio[rounds * 3 / 4],
          perOn / perOff,
          (ratio[rounds / 2] - 1) * 100);
    }
  }

  private static int next;

  /** Nanoseconds to score {@code block} applicants (and, with a monitor, to take them in). */
  private static long time(
      ScoringEngine engine, DriftMonitor monitor, CreditRequest[] requests, int block) {
    long start = System.nanoTime();
    for (int i = 0; i < block; i++) {
      engine.score(requests[next]).join();
      next = (next + 1) % requests.length;
      if (monitor != null && i % 16 == 15) {
        monitor.processPending(); // the drift thread drains every 10 ms, many decisions at a time
      }
    }
    if (monitor != null) {
      monitor.processPending();
    }
    return System.nanoTime() - start;
  }

  private static ScoringEngine engine(ModelRepository repository, DecisionListener listener) {
    return TestModels.engine(repository, new DirectRunner(), 4, new Router(Map.of()), listener);
  }
}
