package io.creditscorer.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.RawTensors;
import io.creditscorer.inference.Tensor;
import io.creditscorer.inference.TensorMeta;
import io.creditscorer.scoring.InferRequest;
import io.creditscorer.scoring.InferResult;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Open Inference Protocol JSON to and from the engine's tensors, with Triton's binary tensor data
 * extension ({@link BinaryTensorData}): inputs in binary, outputs in binary when asked.
 */
final class V2Codec {

  private static final Set<String> REQUEST_FIELDS = Set.of("id", "parameters", "inputs", "outputs");
  private static final Set<String> INPUT_FIELDS =
      Set.of("name", "shape", "datatype", "parameters", "data");
  private static final Set<String> OUTPUT_FIELDS = Set.of("name", "parameters");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private V2Codec() {}

  /**
   * A decoded request, and how each output is to be answered: in binary when its own {@code
   * binary_data} parameter says so, else when the request's {@code binary_data_output} does.
   */
  record V2Request(InferRequest request, boolean allBinary, Map<String, Boolean> binaryByOutput) {
    boolean binary(String output) {
      return binaryByOutput.getOrDefault(output, allBinary);
    }
  }

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

  /**
   * One output tensor with its data, row-major and flat; or, in binary, its size in {@code
   * parameters} and no data.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record OutputJson(
      String name, String datatype, long[] shape, Object data, Map<String, Object> parameters) {}

  /** The answer: JSON, or the JSON header and the binary outputs when any is asked in binary. */
  static Response encode(InferResult result, V2Request request) {
    List<OutputJson> outputs = new ArrayList<>(result.outputs().size());
    List<byte[]> parts = new ArrayList<>();
    for (Tensor t : result.outputs()) {
      if (request.binary(t.name())) {
        byte[] raw = RawTensors.encode(t);
        parts.add(raw);
        outputs.add(
            new OutputJson(
                t.name(),
                t.datatype().name(),
                t.shape(),
                null,
                Map.of(BinaryTensorData.DATA_SIZE, raw.length)));
      } else {
        outputs.add(new OutputJson(t.name(), t.datatype().name(), t.shape(), t.data(), null));
      }
    }
    InferResponseJson json =
        new InferResponseJson(result.model(), result.version(), result.id(), outputs);
    if (parts.isEmpty()) {
      return Response.ok(json, MediaType.APPLICATION_JSON_TYPE).build();
    }
    byte[] header;
    try {
      header = MAPPER.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an answer of numbers and names is always JSON", e);
    }
    return Response.ok(BinaryTensorData.join(header, parts), BinaryTensorData.CONTENT_TYPE)
        .header(BinaryTensorData.HEADER, header.length)
        .build();
  }

  /**
   * @param parts the binary parts after the JSON header; {@code null} when the body is all JSON
   */
  static V2Request decode(
      String model, String version, JsonNode root, Duration timeout, BinaryTensorData.Parts parts) {
    List<FieldError> errors = new ArrayList<>();
    JsonBodies.rejectUnknown(root, REQUEST_FIELDS, "", errors);
    String id = JsonBodies.optionalString(root, "id", "", errors);
    JsonNode params = root.get("parameters");
    boolean allBinary = false;
    if (params != null && !params.isObject() && !params.isNull()) {
      errors.add(new FieldError("parameters", "must be an object, not " + JsonBodies.type(params)));
    } else if (params != null && params.has(BinaryTensorData.ALL_OUTPUTS)) {
      allBinary = flag(params, BinaryTensorData.ALL_OUTPUTS, "parameters.", errors);
    }
    JsonNode inputsNode = root.get("inputs");
    List<Tensor> inputs = new ArrayList<>();
    if (inputsNode == null || !inputsNode.isArray() || inputsNode.isEmpty()) {
      errors.add(new FieldError("inputs", "must be a non-empty array of input tensors"));
    } else {
      for (int i = 0; i < inputsNode.size(); i++) {
        Tensor t = input(inputsNode.get(i), i, parts, errors);
        if (t != null) {
          inputs.add(t);
        }
      }
    }
    if (parts != null && errors.isEmpty()) {
      parts.expectEnd(errors);
    }
    List<String> outputs = new ArrayList<>();
    Map<String, Boolean> binaryByOutput = new HashMap<>();
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
            outputParameters(o.get("parameters"), name, path, binaryByOutput, errors);
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return new V2Request(
        new InferRequest(model, version, id, inputs, outputs, timeout), allBinary, binaryByOutput);
  }

  /** An output's parameters: {@code binary_data} (a boolean); classification is not offered. */
  private static void outputParameters(
      JsonNode params,
      String name,
      String path,
      Map<String, Boolean> binaryByOutput,
      List<FieldError> errors) {
    if (params == null || params.isNull()) {
      return;
    }
    if (!params.isObject()) {
      errors.add(
          new FieldError(
              path + ".parameters", "must be an object, not " + JsonBodies.type(params)));
      return;
    }
    if (params.has("classification")) {
      errors.add(
          new FieldError(
              path + ".parameters.classification",
              "is not supported: the classification extension is not implemented"));
    }
    if (params.has(BinaryTensorData.DATA)) {
      binaryByOutput.put(name, flag(params, BinaryTensorData.DATA, path + ".parameters.", errors));
    }
  }

  private static boolean flag(JsonNode params, String key, String path, List<FieldError> errors) {
    JsonNode v = params.get(key);
    if (!v.isBoolean()) {
      errors.add(new FieldError(path + key, "must be true or false, not " + JsonBodies.type(v)));
      return false;
    }
    return v.booleanValue();
  }

  private static Tensor input(
      JsonNode node, int index, BinaryTensorData.Parts parts, List<FieldError> errors) {
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
    // Taken before anything else can fail, so the inputs after this one still find their parts.
    ByteBuffer binary = binaryPart(node.get("parameters"), data, path, parts, errors);
    if (binary == null && (data == null || data.isNull()) && errors.size() == before) {
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
    if (binary != null) {
      Object values =
          RawTensors.decode(
              type,
              binary,
              expected,
              path + ".parameters." + BinaryTensorData.DATA_SIZE,
              shape,
              errors);
      return values == null ? null : new Tensor(name, type, shape, values);
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

  /**
   * The input's data in the binary part, when its parameters name a {@code binary_data_size};
   * {@code null} otherwise, or with the problem added.
   */
  private static ByteBuffer binaryPart(
      JsonNode params,
      JsonNode data,
      String path,
      BinaryTensorData.Parts parts,
      List<FieldError> errors) {
    if (params != null && !params.isNull() && !params.isObject()) {
      errors.add(
          new FieldError(
              path + ".parameters", "must be an object, not " + JsonBodies.type(params)));
      return null;
    }
    JsonNode size = params == null ? null : params.get(BinaryTensorData.DATA_SIZE);
    if (size == null) {
      return null;
    }
    String field = path + ".parameters." + BinaryTensorData.DATA_SIZE;
    if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
      errors.add(
          new FieldError(field, "must be a non-negative whole number of bytes, not " + size));
      return null;
    }
    if (parts == null) {
      errors.add(
          new FieldError(
              field,
              "needs a binary body: the JSON header's length in the "
                  + BinaryTensorData.HEADER
                  + " header, the binary data after it"));
      return null;
    }
    ByteBuffer part = parts.take(size.longValue(), field, errors);
    if (data != null && !data.isNull()) {
      errors.add(new FieldError(path + ".data", "is given with " + field + "; send one of them"));
      return null;
    }
    return part;
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
