package io.creditscorer.api.grpc;

import io.creditscorer.api.InferenceStatistics;
import io.creditscorer.api.grpc.v2.InferBatchStatistics;
import io.creditscorer.api.grpc.v2.InferStatistics;
import io.creditscorer.api.grpc.v2.ModelStatistics;
import io.creditscorer.api.grpc.v2.ModelStatisticsResponse;
import io.creditscorer.api.grpc.v2.StatisticDuration;
import io.creditscorer.repository.ModelVersion;
import java.util.List;

/** Versions' statistics as the messages of Triton's statistics extension. */
final class GrpcStatistics {

  private GrpcStatistics() {}

  static ModelStatisticsResponse of(InferenceStatistics statistics, List<ModelVersion> versions) {
    ModelStatisticsResponse.Builder response = ModelStatisticsResponse.newBuilder();
    for (ModelVersion mv : versions) {
      InferenceStatistics.Version v = statistics.of(mv.name(), mv.version());
      ModelStatistics.Builder stat =
          ModelStatistics.newBuilder()
              .setName(v.name())
              .setVersion(v.version())
              .setLastInference(v.lastInferenceMillis())
              .setInferenceCount(v.inferenceCount())
              .setExecutionCount(v.executionCount())
              .setInferenceStats(
                  InferStatistics.newBuilder()
                      .setSuccess(duration(v.success()))
                      .setFail(duration(v.fail()))
                      .setQueue(duration(v.queue()))
                      .setComputeInput(duration(v.computeInput()))
                      .setComputeInfer(duration(v.computeInfer()))
                      .setComputeOutput(duration(v.computeOutput()))
                      .setCacheHit(duration(InferenceStatistics.Duration.NONE))
                      .setCacheMiss(duration(InferenceStatistics.Duration.NONE)));
      for (InferenceStatistics.Batch b : v.batches()) {
        stat.addBatchStats(
            InferBatchStatistics.newBuilder()
                .setBatchSize(b.batchSize())
                .setComputeInput(duration(InferenceStatistics.Duration.NONE))
                .setComputeInfer(duration(b.computeInfer()))
                .setComputeOutput(duration(InferenceStatistics.Duration.NONE)));
      }
      response.addModelStats(stat);
    }
    return response.build();
  }

  private static StatisticDuration duration(InferenceStatistics.Duration d) {
    return StatisticDuration.newBuilder().setCount(d.count()).setNs(d.ns()).build();
  }
}
