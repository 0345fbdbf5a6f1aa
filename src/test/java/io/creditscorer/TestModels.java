package io.creditscorer;

import ai.onnx.proto.OnnxMl;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.RepositorySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Builds the test model repository: the shipped credit models, an "echo" model (no descriptor) with
 * one Identity per datatype, a corrupt model file, and a descriptor that contradicts its graph.
 */
public final class TestModels {

  /** Echo inputs/outputs: x_&lt;type&gt; -> y_&lt;type&gt;, each of shape [-1, -1]. */
  public static final String[][] ECHO = {
    {"fp32", "FLOAT"}, {"fp64", "DOUBLE"}, {"int32", "INT32"},
    {"int64", "INT64"}, {"bool", "BOOL"}, {"bytes", "STRING"}
  };

  private TestModels() {}

  /** The shipped models/ repository, loaded (close it after use). */
  public static ModelRepository shippedModels() {
    ModelRepository repository =
        new ModelRepository(
            new RepositorySettings(Path.of("models"), RepositorySettings.VersionPolicy.ALL, 1, 1),
            SessionSettings.defaults());
    repository.loadAll();
    return repository;
  }

  /** Writes a fresh repository under {@code root}; returns it. */
  public static Path writeRepository(Path root) throws IOException {
    deleteRecursively(root);
    for (String version : new String[] {"1", "2"}) {
      Path dir = Files.createDirectories(root.resolve("credit-risk").resolve(version));
      for (String file : new String[] {"model.onnx", "model.json"}) {
        Files.copy(
            Path.of("models/credit-risk", version, file),
            dir.resolve(file),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path echo = Files.createDirectories(root.resolve("echo/1"));
    Files.write(echo.resolve("model.onnx"), echoModel().toByteArray());

    Path corrupt = Files.createDirectories(root.resolve("broken/1"));
    Files.writeString(corrupt.resolve("model.onnx"), "this is not an ONNX model");
    Path contradicting = Files.createDirectories(root.resolve("broken/2"));
    Files.write(contradicting.resolve("model.onnx"), echoModel().toByteArray());
    Files.writeString(
        contradicting.resolve("model.json"),
        """
        {"inputs": [{"name": "x_fp32", "datatype": "FP64", "shape": [-1, -1]}]}
        """);
    return root;
  }

  /**
   * A framework-free engine over {@code repository} for {@code credit-risk}: no audit, no drift, no
   * feature store, shadow scoring on the calling thread.
   */
  public static io.creditscorer.scoring.ScoringEngine engine(
      ModelRepository repository,
      io.creditscorer.spi.InferenceRunner runner,
      int reasonCount,
      io.creditscorer.routing.Router router) {
    return engine(
        repository, runner, reasonCount, router, io.creditscorer.spi.DecisionListener.none());
  }

  /** The same engine, telling {@code listener} of every decision (e.g. a drift monitor). */
  public static io.creditscorer.scoring.ScoringEngine engine(
      ModelRepository repository,
      io.creditscorer.spi.InferenceRunner runner,
      int reasonCount,
      io.creditscorer.routing.Router router,
      io.creditscorer.spi.DecisionListener listener) {
    return new io.creditscorer.scoring.ScoringEngine(
        repository,
        runner,
        new io.creditscorer.scoring.EngineSettings(
            512,
            "credit-risk",
            java.time.Duration.ofSeconds(10),
            reasonCount,
            io.creditscorer.scoring.EngineSettings.PolicyOverride.none(),
            java.time.Duration.ofMinutes(1),
            1 << 20,
            io.creditscorer.scoring.AuditKey.ephemeral()),
        new io.creditscorer.monitoring.ScoringMetrics(
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
        io.creditscorer.base.Ticker.system(),
        r -> {},
        listener,
        io.creditscorer.features.FeatureStore.none(),
        router,
        Runnable::run);
  }

  /** One Identity node per datatype. */
  public static OnnxMl.ModelProto echoModel() {
    OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("echo");
    for (String[] t : ECHO) {
      int type = OnnxMl.TensorProto.DataType.valueOf(t[1]).getNumber();
      graph.addInput(valueInfo("x_" + t[0], type));
      graph.addOutput(valueInfo("y_" + t[0], type));
      graph.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setOpType("Identity")
              .setName("echo_" + t[0])
              .addInput("x_" + t[0])
              .addOutput("y_" + t[0]));
    }
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph)
        .build();
  }

  /**
   * A graph with a credit model's interface ({@code features} [rows, 55] in, {@code probabilities}
   * [rows, 2] out) that returns the first two input columns: it loads, but its answers are not
   * probabilities.
   */
  public static OnnxMl.ModelProto notAProbabilityModel() {
    int fp32 = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
    OnnxMl.GraphProto.Builder graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("not-a-probability")
            .addInput(valueInfo("features", fp32, 55))
            .addOutput(valueInfo("probabilities", fp32, 2))
            .addInitializer(int64("starts", 0))
            .addInitializer(int64("ends", 2))
            .addInitializer(int64("axes", 1))
            .addNode(
                OnnxMl.NodeProto.newBuilder()
                    .setOpType("Slice")
                    .setName("first_two_columns")
                    .addInput("features")
                    .addInput("starts")
                    .addInput("ends")
                    .addInput("axes")
                    .addOutput("probabilities"));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph)
        .build();
  }

  private static OnnxMl.TensorProto int64(String name, long value) {
    return OnnxMl.TensorProto.newBuilder()
        .setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
        .addDims(1)
        .addInt64Data(value)
        .build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, int elemType, int columns) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("rows"));
    shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(columns));
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, int elemType) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("rows"));
    shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("cols"));
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
