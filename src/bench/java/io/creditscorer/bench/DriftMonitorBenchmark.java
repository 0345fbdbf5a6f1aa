package io.creditscorer.bench;

import io.creditscorer.inference.SessionSettings;
import io.creditscorer.monitoring.DriftMonitor;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.repository.RepositorySettings;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The drift monitor's work per scored applicant, as the service does it: each decision queued on
 * the request's thread, then taken into the version's windows by the drift thread in batches (here
 * 64 at a time). German Credit applicants in turn, the shipped model's baseline (18 features and
 * the output).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DriftMonitorBenchmark {

  static final int BATCH = 64;

  private ModelRepository repository;
  private ModelVersion version;
  private DriftMonitor monitor;
  private List<List<Map<String, Object>>> applicants;
  private final double[] pd = {0.2};
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    repository =
        new ModelRepository(
            new RepositorySettings(
                Path.of("models"), RepositorySettings.VersionPolicy.LATEST, 1, 5),
            SessionSettings.defaults());
    repository.loadAll();
    version = repository.resolve("credit-risk", null);
    monitor = new DriftMonitor(1000, 4096, new SimpleMeterRegistry());
    applicants =
        Arff.read(Path.of("data/credit-g.arff")).rows().stream()
            .map(row -> List.of(TrainCreditModels.applicant(row)))
            .toList();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    repository.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void observe() {
    for (int i = 0; i < BATCH; i++) {
      monitor.decided(version, applicants.get(next), pd);
      next = next + 1 == applicants.size() ? 0 : next + 1;
    }
    monitor.processPending();
  }
}
