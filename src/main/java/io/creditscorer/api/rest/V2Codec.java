package io.creditscorer.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.Tensor;
import io.creditscorer.inference.TensorMeta;
import io.creditscorer.scoring.InferRequest;
import io.creditscorer.scoring.InferResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Open Inference Protocol JSON to and from the engine's tensors. */
final class V2Codec {

  private static final Set<String> REQUEST_FIELDS = Set.of("id", "parameters", "inputs", "outputs");
  private static final Set<String> INPUT_FIELDS =
      Set.of("name", "shape", "datatype", "parameters", "data");
  private static final Set<String> OUTPUT_FIELDS = Set.of("name", "parameters");

  private V2Codec() {}

  /** Tensor metadata as the protocol spells it. */
  record TensorJson(String name, String datatype, long[] shape) {
    static TensorJson of(TensorMeta m) {
      return new TensorJson(m.name(), m.datatype().name(), m.shape());
    }
  }

  /** An inference answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record InferResponseJson(
      @JsonProperty("model_name") String modelName,
      @JsonProperty("model_version") String modelVersion,
      String id,
      List<OutputJson> outputs) {}

  /** One output tensor with its data, row-major and flat. */
  record OutputJson(String name, String datatype, long[] shape, Object data) {}

  static InferResponseJson encode(InferResult result) {
    List<OutputJson> outputs = new ArrayList<>(result.outputs().size());
    for (Tensor t : result.outputs()) {
      outputs.add(new OutputJson(t.name(), t.datatype().name(), t.shape(), t.data()));
    }
    return new InferResponseJson(result.model(), result.version(), result.id(), outputs);
  }

  static InferRequest decode(String model, String version, JsonNode root, Duration timeout) {
    List<FieldError> errors = new ArrayList<>();
    JsonBodies.rejectUnknown(root, REQUEST_FIELDS, "", errors);
    String id = JsonBodies.optionalString(root, "id", "", errors);
    JsonNode params = root.get("parameters");
    if (params != null && !params.isObject() && !params.isNull()) {
      errors.add(new FieldError("parameters", "must be an object, not " + JsonBodies.type(params)));
    }
    JsonNode inputsNode = root.get("inputs");
    List<Tensor> inputs = new ArrayList<>();
    if (inputsNode == null || !inputsNode.isArray() || inputsNode.isEmpty()) {
      errors.add(new FieldError("inputs", "must be a non-empty array of input tensors"));
    } else {
      for (int i = 0; i < inputsNode.size(); i++) {
        Tensor t = input(inputsNode.get(i), i, errors);
        if (t != null) {
          inputs.add(t);
        }
      }
    }
    List<String> outputs = new ArrayList<>();
    JsonNode outputsNode = root.get("outputs");
    if (outputsNode != null && !outputsNode.isNull()) {
      if (!outputsNode.isArray()) {
        errors.add(new FieldError("outputs", "must be an array of {\"name\": ...} objects"));
      } else {
        for (int i = 0; i < outputsNode.size(); i++) {
          JsonNode o = outputsNode.get(i);
          String path = "outputs[" + i + "]";
          if (!o.isObject()) {
            errors.add(new FieldError(path, "must be an object with a name"));
            continue;
          }
          JsonBodies.rejectUnknown(o, OUTPUT_FIELDS, path + ".", errors);
          String name = JsonBodies.optionalString(o, "name", path + ".", errors);
          if (name == null) {
            errors.add(new FieldError(path + ".name", "is required"));
          } else {
            outputs.add(name);
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return new InferRequest(model, version, id, inputs, outputs, timeout);
  }

  private static Tensor input(JsonNode node, int index, List<FieldError> errors) {
    String path = "inputs[" + index + "]";
    if (node == null || !node.isObject()) {
      errors.add(new FieldError(path, "must be an object with name, shape, datatype and data"));
      return null;
    }
    int before = errors.size();
    JsonBodies.rejectUnknown(node, INPUT_FIELDS, path + ".", errors);
    String name = JsonBodies.optionalString(node, "name", path + ".", errors);
    if (name == null) {
      errors.add(new FieldError(path + ".name", "is required"));
    } else {
      path = "inputs." + name;
    }
    String datatype = JsonBodies.optionalString(node, "datatype", path + ".", errors);
    String typeProblem = DataType.problemWith(datatype);
    if (typeProblem != null && datatype != null) {
      errors.add(new FieldError(path + ".datatype", typeProblem));
    } else if (datatype == null && errors.size() == before) {
      errors.add(new FieldError(path + ".datatype", "is required"));
    }
    long[] shape = shape(node.get("shape"), path, errors);
    JsonNode data = node.get("data");
    if (data == null || data.isNull()) {
      errors.add(new FieldError(path + ".data", "is required"));
    }
    if (errors.size() > before) {
      return null;
    }
    DataType type = DataType.valueOf(datatype);
    // Count before allocating: an absurd shape fails here, with no memory spent on it.
    long expected;
    try {
      expected = Tensor.elementCount(name, shape);
    } catch (InvalidInputException e) {
      errors.addAll(e.errors());
      return null;
    }
    long given = count(data);
    if (given != expected) {
      errors.add(
          new FieldError(
              path + ".data",
              "has "
                  + given
                  + " elements but shape "
                  + java.util.Arrays.toString(shape)
                  + " needs "
                  + expected));
      return null;
    }
    Object values = Tensor.allocate(type, (int) expected);
    int[] cursor = {0};
    String problem = fill(data, type, values, cursor);
    if (problem != null) {
      errors.add(new FieldError(path + ".data", problem));
      return null;
    }
    return new Tensor(name, type, shape, values);
  }

  private static long[] shape(JsonNode node, String path, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      errors.add(new FieldError(path + ".shape", "is required"));
      return null;
    }
    if (!node.isArray()) {
      errors.add(new FieldError(path + ".shape", "must be an array of dimensions"));
      return null;
    }
    long[] shape = new long[node.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = node.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
        errors.add(
            new FieldError(
                path + ".shape", "dimension " + i + " must be a non-negative integer, got " + d));
        return null;
      }
      shape[i] = d.longValue();
    }
    return shape;
  }

  /** Leaves of a nested (or flat) data array; a scalar counts as one. */
  private static long count(JsonNode data) {
    if (!data.isArray()) {
      return 1;
    }
    long n = 0;
    for (JsonNode e : data) {
      n += count(e);
    }
    return n;
  }

  /** Writes the leaves in row-major order; returns the problem with the first bad one. */
  private static String fill(JsonNode data, DataType type, Object out, int[] cursor) {
    if (data.isArray()) {
      for (JsonNode e : data) {
        String problem = fill(e, type, out, cursor);
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }
    int i = cursor[0]++;
    switch (type) {
      case FP32, FP64 -> {
        if (!data.isNumber()) {
          return "element " + i + " is " + JsonBodies.type(data) + "; " + type + " needs numbers";
        }
        double v = data.doubleValue();
        if (!Double.isFinite(v) || (type == DataType.FP32 && !Float.isFinite((float) v))) {
          return "element " + i + " (" + data + ") is out of the " + type + " range";
        }
        if (type == DataType.FP32) {
          ((float[]) out)[i] = (float) v;
        } else {
          ((double[]) out)[i] = v;
        }
      }
      case INT32, INT64 -> {
        boolean fits = type == DataType.INT32 ? data.canConvertToInt() : data.canConvertToLong();
        if (!data.isIntegralNumber() || !fits) {
          return "element " + i + " (" + data + ") is not an integer that fits " + type;
        }
        if (type == DataType.INT32) {
          ((int[]) out)[i] = data.intValue();
        } else {
          ((long[]) out)[i] = data.longValue();
        }
      }
      case BOOL -> {
        if (!data.isBoolean()) {
          return "element " + i + " is " + JsonBodies.type(data) + "; BOOL needs true or false";
        }
        ((boolean[]) out)[i] = data.booleanValue();
      }
      case BYTES -> {
        if (!data.isTextual()) {
          return "element " + i + " is " + JsonBodies.type(data) + "; BYTES needs strings";
        }
        ((String[]) out)[i] = data.textValue();
      }
    }
    return null;
  }
}
