package io.creditscorer.delivery;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a rendered object as the API server does with strict field validation: every field known
 * to the kind's schema, every value of the declared type, required fields present.
 *
 * <p>Built-in kinds and the Prometheus Operator's are read into the fabric8 Kubernetes model
 * classes (generated from the Kubernetes OpenAPI and the operator's CRDs) with their catch-all
 * "additional properties" disabled, unknown fields failing and no coercion of scalars. Argo
 * Rollouts and KServe kinds are checked against the structural schemas in {@code k8s-schemas/}.
 */
final class ManifestSchemas {

  static final ObjectMapper STRICT = strictMapper();

  private static final Map<String, Class<?>> MODEL =
      Map.of(
          "v1/ConfigMap", ConfigMap.class,
          "v1/Service", Service.class,
          "apps/v1/Deployment", Deployment.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
          "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
          "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class,
          "monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class,
          "v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class,
          "apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class,
          "networking.k8s.io/v1/NetworkPolicy",
              io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);

  /** The custom resources' schemas: Argo Rollouts' and KServe's kinds and definitions, merged. */
  private static final JsonNode CRD_SCHEMAS =
      merge(
          load("/k8s-schemas/argoproj.io-v1alpha1.yaml"),
          load("/k8s-schemas/serving.kserve.io.yaml"));

  private ManifestSchemas() {}

  /** What is wrong with the object, each problem naming its path; empty when it conforms. */
  static List<String> problems(JsonNode object) {
    String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    List<String> problems = new ArrayList<>();
    if (MODEL.containsKey(key)) {
      readStrictly(object, MODEL.get(key), key, problems);
    } else if (CRD_SCHEMAS.path("kinds").has(key)) {
      check(CRD_SCHEMAS.path("kinds").get(key), object, key, problems);
    } else {
      problems.add(key + ": no schema for this kind");
    }
    return problems;
  }

  private static void readStrictly(JsonNode value, Class<?> type, String path, List<String> out) {
    try {
      STRICT.treeToValue(value, type);
    } catch (JsonMappingException e) {
      out.add(path + e.getPathReference() + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      out.add(path + ": " + e.getMessage());
    }
  }

  /** A Kubernetes structural schema, with $ref to its definitions and x-fabric8-class hand-off. */
  private static void check(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (schema.has("$ref")) {
      String name = schema.get("$ref").asText().substring("#/definitions/".length());
      check(CRD_SCHEMAS.path("definitions").path(name), value, path, out);
      return;
    }
    if (schema.has("x-fabric8-class")) {
      try {
        readStrictly(value, Class.forName(schema.get("x-fabric8-class").asText()), path, out);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        out.add(path + ": expected an integer or a string, got " + value);
      }
      return;
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.equals(value);
      }
      if (!listed) {
        out.add(path + ": " + value + " is not one of " + schema.get("enum"));
      }
    }
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    switch (schema.path("type").asText(preserve ? "" : "missing")) {
      case "object" -> checkObject(schema, value, path, out, preserve);
      case "array" -> {
        if (!value.isArray()) {
          out.add(path + ": expected an array");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(schema.path("items"), value.get(i), path + "[" + i + "]", out);
        }
      }
      case "string" -> expect(value.isTextual(), "a string", value, path, out);
      case "integer" -> expect(value.isIntegralNumber(), "an integer", value, path, out);
      case "number" -> expect(value.isNumber(), "a number", value, path, out);
      case "boolean" -> expect(value.isBoolean(), "a boolean", value, path, out);
      case "" -> {} // x-kubernetes-preserve-unknown-fields without a type: anything
      default -> throw new IllegalStateException("schema without a known type at " + path);
    }
  }

  private static void checkObject(
      JsonNode schema, JsonNode value, String path, List<String> out, boolean preserve) {
    if (!value.isObject()) {
      out.add(path + ": expected an object, got " + value);
      return;
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        out.add(path + "." + required.asText() + ": required");
      }
    }
    JsonNode properties = schema.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String at = path + "." + field.getKey();
      if (properties.has(field.getKey())) {
        check(properties.get(field.getKey()), field.getValue(), at, out);
      } else if (schema.has("additionalProperties")) {
        check(schema.get("additionalProperties"), field.getValue(), at, out);
      } else if (!preserve) {
        out.add(at + ": unknown field");
      }
    }
  }

  private static void expect(
      boolean ok, String what, JsonNode value, String path, List<String> out) {
    if (!ok) {
      out.add(path + ": expected " + what + ", got " + value);
    }
  }

  /**
   * Jackson reading the fabric8 model the way the API server reads a request with {@code
   * fieldValidation=Strict}: the models' {@code @JsonAnySetter} (which would swallow unknown fields
   * into "additionalProperties") and {@code ignoreUnknown} are switched off.
   */
  private static ObjectMapper strictMapper() {
    SimpleModule strict = new SimpleModule("strict-kubernetes-model");
    strict.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public BeanDeserializerBuilder updateBuilder(
              DeserializationConfig config,
              BeanDescription description,
              BeanDeserializerBuilder b) {
            b.setAnySetter(null);
            b.setIgnoreUnknownProperties(false);
            return b;
          }
        });
    return JsonMapper.builder()
        .annotationIntrospector(
            new JacksonAnnotationIntrospector() {
              @Override
              public com.fasterxml.jackson.annotation.JsonIgnoreProperties.Value
                  findPropertyIgnoralByName(
                      com.fasterxml.jackson.databind.cfg.MapperConfig<?> config, Annotated a) {
                return com.fasterxml.jackson.annotation.JsonIgnoreProperties.Value.empty();
              }
            })
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .addModule(strict)
        .build();
  }

  private static JsonNode merge(JsonNode a, JsonNode b) {
    com.fasterxml.jackson.databind.node.ObjectNode merged = a.deepCopy();
    for (String part : List.of("kinds", "definitions")) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) merged.get(part))
          .setAll((com.fasterxml.jackson.databind.node.ObjectNode) b.get(part));
    }
    return merged;
  }

  private static JsonNode load(String resource) {
    try (InputStream in = ManifestSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing");
      }
      return Manifests.YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
