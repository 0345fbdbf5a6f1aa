package io.creditscorer.repository;

import io.creditscorer.inference.DataType;
import io.creditscorer.inference.TensorMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * A version's configuration as Triton's model configuration extension shows it (the {@code
 * ModelConfig} message of its {@code model_config.proto}), for the doors to render: tools built for
 * Triton (perf_analyzer, model analyzers) read the batch bound, the tensors without their batch
 * dimension, and the scheduler from it.
 */
public final class ModelConfigurations {

  /**
   * How the service runs every version.
   *
   * @param maxBatchSize the most rows one request may carry ({@code
   *     scorer.inference.max-request-rows})
   * @param dynamicBatching whether requests are batched together ({@code scorer.batching.enabled})
   * @param maxBatchRows the most rows of one batched run
   * @param maxQueueDelayMicros how long a request may wait for others to batch with
   * @param instances runs of one version at a time (the batching workers)
   */
  public record Serving(
      int maxBatchSize,
      boolean dynamicBatching,
      int maxBatchRows,
      long maxQueueDelayMicros,
      int instances) {}

  /** An input or output: its name, Triton's {@code TYPE_*} name, its dims without the batch one. */
  public record Tensor(String name, String dataType, long[] dims) {}

  /**
   * One version's configuration.
   *
   * @param latestVersions the versions kept by the {@code latest} policy; 0 for {@code all}
   */
  public record Config(
      String name,
      String version,
      String platform,
      String backend,
      int latestVersions,
      int maxBatchSize,
      List<Tensor> input,
      List<Tensor> output,
      Serving serving,
      String defaultModelFilename) {}

  private final ModelRepository repository;
  private final RepositorySettings settings;
  private final Serving serving;

  public ModelConfigurations(
      ModelRepository repository, RepositorySettings settings, Serving serving) {
    this.repository = repository;
    this.settings = settings;
    this.serving = serving;
  }

  /**
   * The configuration of a version, or of the one requests naming none get.
   *
   * @throws io.creditscorer.error.ScoringException NOT_FOUND or NOT_READY, as a lookup for
   *     inference would
   */
  public Config config(String model, String version) {
    ModelVersion v = repository.resolve(model, version);
    return new Config(
        v.name(),
        v.version(),
        ModelVersion.PLATFORM,
        "onnxruntime",
        settings.versionPolicy() == RepositorySettings.VersionPolicy.LATEST ? settings.latest() : 0,
        serving.maxBatchSize(),
        tensors(v.inputs()),
        tensors(v.outputs()),
        serving,
        RepositoryLayout.MODEL_FILE);
  }

  private static List<Tensor> tensors(List<TensorMeta> metas) {
    List<Tensor> out = new ArrayList<>(metas.size());
    for (TensorMeta m : metas) {
      long[] shape = m.shape();
      // The first dimension is the batch one when it is variable: Triton leaves it out of dims.
      long[] dims =
          shape.length > 0 && shape[0] < 0
              ? java.util.Arrays.copyOfRange(shape, 1, shape.length)
              : shape;
      out.add(new Tensor(m.name(), tritonType(m.datatype()), dims));
    }
    return List.copyOf(out);
  }

  /** Triton's {@code DataType} name: {@code TYPE_<datatype>}, and {@code TYPE_STRING} for BYTES. */
  public static String tritonType(DataType type) {
    return type == DataType.BYTES ? "TYPE_STRING" : "TYPE_" + type.name();
  }
}
