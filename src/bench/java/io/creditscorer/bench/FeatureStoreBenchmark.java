package io.creditscorer.bench;

import io.creditscorer.base.Ticker;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.features.FeatureSnapshot;
import io.creditscorer.features.NearCacheFeatureStore;
import io.creditscorer.features.SnapshotFeatureStore;
import io.creditscorer.features.StoredApplicant;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.RepositorySettings;
import io.creditscorer.scoring.CreditRequest;
import io.creditscorer.scoring.DirectRunner;
import io.creditscorer.scoring.EngineSettings;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.spi.DecisionListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The feature store's hot path: a near-cache hit and a snapshot hit (lookup of one id), reading the
 * already-encoded row against encoding the fields, and the engine's credit path with an applicant
 * given by id against the same applicant given in full (model version 1, no reasons).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FeatureStoreBenchmark {

  private static final Path SNAPSHOT = Path.of("data/applicants.jsonl");

  private List<String> ids;
  private List<List<String>> single;
  private NearCacheFeatureStore nearCache;
  private SnapshotFeatureStore snapshot;
  private CreditFeatureEncoder encoder;
  private ModelRepository repository;
  private ScoringEngine engine;
  private List<CreditRequest> byId;
  private List<CreditRequest> full;
  private float[] row;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Map<String, Map<String, Object>> data = FeatureSnapshot.read(SNAPSHOT);
    ids = List.copyOf(data.keySet());
    single = ids.stream().map(List::of).toList();
    nearCache =
        new NearCacheFeatureStore(
            wanted -> {
              Map<String, Map<String, Object>> found = new HashMap<>();
              wanted.forEach(id -> found.put(id, data.get(id)));
              return CompletableFuture.completedFuture(found);
            },
            "memory",
            new NearCacheFeatureStore.Settings(
                10_000, Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofSeconds(10)),
            Ticker.system(),
            Runnable::run,
            new SimpleMeterRegistry());
    nearCache.lookup(ids).join(); // every id cached
    snapshot = SnapshotFeatureStore.load(SNAPSHOT, Ticker.system());

    repository =
        new ModelRepository(
            new RepositorySettings(Path.of("models"), RepositorySettings.VersionPolicy.ALL, 1, 5),
            SessionSettings.defaults());
    repository.loadAll();
    encoder = repository.resolve("credit-risk", "1").credit().orElseThrow().encoder();
    row = new float[encoder.width()];
    engine =
        new ScoringEngine(
            repository,
            new DirectRunner(),
            new EngineSettings(
                4096,
                "credit-risk",
                Duration.ofSeconds(10),
                0,
                EngineSettings.PolicyOverride.none(),
                Duration.ofMinutes(10),
                64L << 20,
                io.creditscorer.scoring.AuditKey.ephemeral()),
            new ScoringMetrics(new SimpleMeterRegistry()),
            Ticker.system(),
            record -> {},
            DecisionListener.none(),
            snapshot,
            new io.creditscorer.routing.Router(Map.of()),
            Runnable::run);
    byId = new ArrayList<>();
    full = new ArrayList<>();
    for (String id : ids) {
      byId.add(new CreditRequest("b", "1", List.of(Map.of("applicant_id", id)), null, null));
      full.add(new CreditRequest("b", "1", List.of(data.get(id)), null, null));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    repository.close();
  }

  private int next() {
    next = next + 1 == ids.size() ? 0 : next + 1;
    return next;
  }

  @Benchmark
  public Map<String, StoredApplicant> nearCacheHit() {
    return nearCache.lookup(single.get(next())).join();
  }

  @Benchmark
  public Map<String, StoredApplicant> snapshotHit() {
    return snapshot.lookup(single.get(next())).join();
  }

  @Benchmark
  public float[] copyEncodedRow() {
    StoredApplicant a = snapshot.lookup(single.get(next())).join().get(ids.get(next));
    System.arraycopy(a.encodedFor(encoder).row(), 0, row, 0, row.length);
    return row;
  }

  @Benchmark
  public float[] encodeFields() {
    StoredApplicant a = snapshot.lookup(single.get(next())).join().get(ids.get(next));
    java.util.Arrays.fill(row, 0f);
    encoder.encode(a.fields(), row, 0, "a", new ArrayList<>());
    return row;
  }

  @Benchmark
  public Object creditById() {
    return engine.score(byId.get(next())).join();
  }

  @Benchmark
  public Object creditFullPayload() {
    return engine.score(full.get(next())).join();
  }
}
