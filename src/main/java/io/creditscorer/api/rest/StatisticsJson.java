package io.creditscorer.api.rest;

import io.creditscorer.api.InferenceStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Triton's statistics extension's answer: {@code {"model_stats": [$model_stat, ...]}}, each with
 * its counts as numbers and its durations as {@code {"count", "ns"}}.
 */
final class StatisticsJson {

  private StatisticsJson() {}

  static Map<String, Object> json(List<InferenceStatistics.Version> versions) {
    return Map.of("model_stats", versions.stream().map(StatisticsJson::stat).toList());
  }

  private static Map<String, Object> stat(InferenceStatistics.Version v) {
    Map<String, Object> inference = new LinkedHashMap<>();
    inference.put("success", duration(v.success()));
    inference.put("fail", duration(v.fail()));
    inference.put("queue", duration(v.queue()));
    inference.put("compute_input", duration(v.computeInput()));
    inference.put("compute_infer", duration(v.computeInfer()));
    inference.put("compute_output", duration(v.computeOutput()));
    inference.put("cache_hit", duration(InferenceStatistics.Duration.NONE));
    inference.put("cache_miss", duration(InferenceStatistics.Duration.NONE));
    Map<String, Object> stat = new LinkedHashMap<>();
    stat.put("name", v.name());
    stat.put("version", v.version());
    stat.put("last_inference", v.lastInferenceMillis());
    stat.put("inference_count", v.inferenceCount());
    stat.put("execution_count", v.executionCount());
    stat.put("inference_stats", inference);
    stat.put(
        "batch_stats",
        v.batches().stream()
            .map(
                b -> {
                  Map<String, Object> batch = new LinkedHashMap<>();
                  batch.put("batch_size", b.batchSize());
                  batch.put("compute_input", duration(InferenceStatistics.Duration.NONE));
                  batch.put("compute_infer", duration(b.computeInfer()));
                  batch.put("compute_output", duration(InferenceStatistics.Duration.NONE));
                  return batch;
                })
            .toList());
    stat.put("memory_usage", List.of());
    return stat;
  }

  private static Map<String, Long> duration(InferenceStatistics.Duration d) {
    Map<String, Long> json = new LinkedHashMap<>();
    json.put("count", d.count());
    json.put("ns", d.ns());
    return json;
  }
}
