package io.creditscorer.bench;

import ai.onnxruntime.OrtEnvironment;
import io.creditscorer.features.FeatureStore;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.monitoring.DriftMonitor;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.RepositorySettings;
import io.creditscorer.routing.Router;
import io.creditscorer.scoring.CreditRequest;
import io.creditscorer.scoring.DecisionListener;
import io.creditscorer.scoring.DirectRunner;
import io.creditscorer.scoring.EngineSettings;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.scoring.Ticker;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The CPU cost of drift monitoring per credit decision, on and off in the same run: one applicant
 * per call (the 1,000 German Credit rows in turn), reason codes on as shipped, on the calling
 * thread. With drift on, the call also does the drift thread's work for its observation ({@code
 * processPending}), so the background cost is charged to the request as it would be on one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DriftBenchmark {

  @Param({"off", "on"})
  public String drift;

  @Param({"1", "2"})
  public String version;

  private ModelRepository repository;
  private ScoringEngine engine;
  private DriftMonitor monitor;
  private CreditRequest[] requests;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    repository =
        new ModelRepository(
            new RepositorySettings(Path.of("models"), RepositorySettings.VersionPolicy.ALL, 1, 5),
            OrtEnvironment.getEnvironment(),
            SessionSettings.defaults());
    repository.loadAll();
    monitor = "on".equals(drift) ? new DriftMonitor(1000, 1024, new SimpleMeterRegistry()) : null;
    engine =
        new ScoringEngine(
            repository,
            new DirectRunner(),
            new EngineSettings(
                4096,
                "credit-risk",
                Duration.ofSeconds(10),
                4,
                EngineSettings.PolicyOverride.none(),
                Duration.ofMinutes(10),
                1000),
            new ScoringMetrics(new SimpleMeterRegistry()),
            Ticker.system(),
            record -> {},
            monitor == null ? DecisionListener.none() : monitor,
            FeatureStore.none(),
            new Router(Map.of()),
            Runnable::run);
    List<Map<String, Object>> rows = Arff.read(Path.of("data/credit-g.arff")).rows();
    requests = new CreditRequest[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      requests[i] =
          new CreditRequest(
              "bench", version, List.of(TrainCreditModels.applicant(rows.get(i))), null, null);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    repository.close();
  }

  @Benchmark
  public Object creditDecision() {
    CreditRequest request = requests[next];
    next = (next + 1) % requests.length;
    Object answer = engine.score(request).join();
    if (monitor != null) {
      monitor.processPending();
    }
    return answer;
  }
}
