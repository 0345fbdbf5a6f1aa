package io.creditscorer.api.rest;

import io.creditscorer.repository.ModelConfigurations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Triton's model configuration extension's answer: the JSON of {@code model_config.proto}'s {@code
 * ModelConfig} as Triton prints it (field names as in the proto, enums by name, numbers as numbers,
 * empty defaults printed).
 */
final class ModelConfigJson {

  private ModelConfigJson() {}

  static Map<String, Object> json(ModelConfigurations.Config c) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", c.name());
    json.put("platform", c.platform());
    json.put("backend", c.backend());
    json.put(
        "version_policy",
        c.latestVersions() > 0
            ? Map.of("latest", Map.of("num_versions", c.latestVersions()))
            : Map.of("all", Map.of()));
    json.put("max_batch_size", c.maxBatchSize());
    json.put("input", tensors(c.input(), true));
    json.put("output", tensors(c.output(), false));
    json.put("batch_input", List.of());
    json.put("batch_output", List.of());
    ModelConfigurations.Serving s = c.serving();
    if (s.dynamicBatching()) {
      Map<String, Object> batching = new LinkedHashMap<>();
      batching.put("preferred_batch_size", List.of(s.maxBatchRows()));
      batching.put("max_queue_delay_microseconds", s.maxQueueDelayMicros());
      batching.put("preserve_ordering", false);
      json.put("dynamic_batching", batching);
    }
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", c.name());
    group.put("kind", "KIND_CPU");
    group.put("count", s.instances());
    group.put("gpus", List.of());
    json.put("instance_group", List.of(group));
    json.put("default_model_filename", c.defaultModelFilename());
    json.put("parameters", Map.of());
    return json;
  }

  private static List<Map<String, Object>> tensors(
      List<ModelConfigurations.Tensor> tensors, boolean input) {
    List<Map<String, Object>> out = new ArrayList<>(tensors.size());
    for (ModelConfigurations.Tensor t : tensors) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("name", t.name());
      json.put("data_type", t.dataType());
      if (input) {
        json.put("format", "FORMAT_NONE");
      }
      json.put("dims", t.dims());
      if (!input) {
        json.put("label_filename", "");
      }
      json.put("is_shape_tensor", false);
      if (input) {
        json.put("allow_ragged_batch", false);
        json.put("optional", false);
      }
      out.add(json);
    }
    return out;
  }
}
