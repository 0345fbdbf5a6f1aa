package io.creditscorer.api.grpc;

import io.creditscorer.api.grpc.v2.DataType;
import io.creditscorer.api.grpc.v2.ModelConfig;
import io.creditscorer.api.grpc.v2.ModelDynamicBatching;
import io.creditscorer.api.grpc.v2.ModelInput;
import io.creditscorer.api.grpc.v2.ModelInstanceGroup;
import io.creditscorer.api.grpc.v2.ModelOutput;
import io.creditscorer.api.grpc.v2.ModelVersionPolicy;
import io.creditscorer.repository.ModelConfigurations;

/** A version's configuration as the {@code ModelConfig} message of Triton's model_config.proto. */
final class GrpcModelConfigs {

  private GrpcModelConfigs() {}

  static ModelConfig of(ModelConfigurations.Config c) {
    ModelConfigurations.Serving s = c.serving();
    ModelConfig.Builder config =
        ModelConfig.newBuilder()
            .setName(c.name())
            .setPlatform(c.platform())
            .setBackend(c.backend())
            .setVersionPolicy(
                c.latestVersions() > 0
                    ? ModelVersionPolicy.newBuilder()
                        .setLatest(
                            ModelVersionPolicy.Latest.newBuilder()
                                .setNumVersions(c.latestVersions()))
                        .build()
                    : ModelVersionPolicy.newBuilder()
                        .setAll(ModelVersionPolicy.All.getDefaultInstance())
                        .build())
            .setMaxBatchSize(c.maxBatchSize())
            .addInstanceGroup(
                ModelInstanceGroup.newBuilder()
                    .setName(c.name())
                    .setKind(ModelInstanceGroup.Kind.KIND_CPU)
                    .setCount(s.instances()))
            .setDefaultModelFilename(c.defaultModelFilename());
    for (ModelConfigurations.Tensor t : c.input()) {
      ModelInput.Builder in =
          ModelInput.newBuilder().setName(t.name()).setDataType(DataType.valueOf(t.dataType()));
      for (long d : t.dims()) {
        in.addDims(d);
      }
      config.addInput(in);
    }
    for (ModelConfigurations.Tensor t : c.output()) {
      ModelOutput.Builder out =
          ModelOutput.newBuilder().setName(t.name()).setDataType(DataType.valueOf(t.dataType()));
      for (long d : t.dims()) {
        out.addDims(d);
      }
      config.addOutput(out);
    }
    if (s.dynamicBatching()) {
      config.setDynamicBatching(
          ModelDynamicBatching.newBuilder()
              .addPreferredBatchSize(s.maxBatchRows())
              .setMaxQueueDelayMicroseconds(s.maxQueueDelayMicros()));
    }
    return config.build();
  }
}
