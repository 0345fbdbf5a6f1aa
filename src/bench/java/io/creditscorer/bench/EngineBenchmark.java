package io.creditscorer.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.creditscorer.base.Ticker;
import io.creditscorer.batching.BatchSettings;
import io.creditscorer.batching.BatchingRunner;
import io.creditscorer.features.FeatureStore;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.inference.Tensor;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.repository.RepositorySettings;
import io.creditscorer.routing.Router;
import io.creditscorer.scoring.CreditRequest;
import io.creditscorer.scoring.DirectRunner;
import io.creditscorer.scoring.EngineSettings;
import io.creditscorer.scoring.InferRequest;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.spi.DecisionListener;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Raw ONNX Runtime (create tensor, run, read output) against the engine's full in-process path, on
 * the same rows of the German Credit data: V2 (validate + run + decode) and credit (validate +
 * encode + run + score + decide), on the calling thread and through the worker pool.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EngineBenchmark {

  @Param({"1", "2"})
  public String version;

  @Param({"1", "64"})
  public int batch;

  /** Reason codes per credit answer; the shipped default is 4 (-p reasons=4). */
  @Param({"0"})
  public int reasons;

  private OrtEnvironment env;
  private OrtSession rawSession;
  private float[] encoded;
  private ModelRepository repository;
  private ScoringEngine direct;
  private ScoringEngine pooled;
  private BatchingRunner pool;
  private CreditRequest creditRequest;
  private InferRequest inferRequest;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    env = OrtEnvironment.getEnvironment();
    repository =
        new ModelRepository(
            new RepositorySettings(Path.of("models"), RepositorySettings.VersionPolicy.ALL, 1, 5),
            SessionSettings.defaults());
    repository.loadAll();
    ModelVersion v = repository.resolve("credit-risk", version);
    ModelVersion.Credit credit = v.credit().orElseThrow();
    int width = credit.encoder().width();

    Arff arff = Arff.read(Path.of("data/credit-g.arff"));
    List<Map<String, Object>> applicants = new ArrayList<>();
    encoded = new float[batch * width];
    for (int i = 0; i < batch; i++) {
      Map<String, Object> a = TrainCreditModels.applicant(arff.rows().get(i));
      applicants.add(a);
      credit.encoder().encode(a, encoded, i * width, "a", new ArrayList<>());
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      rawSession = env.createSession(v.directory().resolve("model.onnx").toString(), options);
    }
    EngineSettings settings =
        new EngineSettings(
            4096,
            "credit-risk",
            java.time.Duration.ofSeconds(10),
            reasons, // 0 by default: this measures the plain path
            EngineSettings.PolicyOverride.none(),
            java.time.Duration.ofMinutes(10),
            64L << 20,
            io.creditscorer.scoring.AuditKey.ephemeral());
    direct =
        new ScoringEngine(
            repository,
            new DirectRunner(),
            settings,
            new ScoringMetrics(new SimpleMeterRegistry()),
            Ticker.system(),
            record -> {},
            DecisionListener.none(),
            FeatureStore.none(),
            new Router(Map.of()),
            Runnable::run);
    pool =
        new BatchingRunner(
            new BatchSettings(true, 64, 200, 1, 1024), Ticker.system(), new SimpleMeterRegistry());
    pooled =
        new ScoringEngine(
            repository,
            pool,
            settings,
            new ScoringMetrics(new SimpleMeterRegistry()),
            Ticker.system(),
            record -> {},
            DecisionListener.none(),
            FeatureStore.none(),
            new Router(Map.of()),
            Runnable::run);
    creditRequest = new CreditRequest("bench", version, applicants, null, null);
    inferRequest =
        new InferRequest(
            "credit-risk",
            version,
            null,
            List.of(new Tensor("features", DataType.FP32, new long[] {batch, width}, encoded)),
            List.of(),
            null);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    pool.close();
    rawSession.close();
    repository.close();
  }

  @Benchmark
  public float rawOnnxRuntime() throws Exception {
    int width = encoded.length / batch;
    try (OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(encoded), new long[] {batch, width});
        OrtSession.Result result = rawSession.run(Map.of("features", input))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] copy = new float[out.remaining()];
      out.get(copy);
      return copy[copy.length - 1];
    }
  }

  @Benchmark
  public Object engineV2() {
    return direct.infer(inferRequest).join();
  }

  @Benchmark
  public Object engineCredit() {
    return direct.score(creditRequest).join();
  }

  @Benchmark
  public Object engineCreditBatcher() {
    return pooled.score(creditRequest).join();
  }
}
