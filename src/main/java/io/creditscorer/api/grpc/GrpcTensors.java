package io.creditscorer.api.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.creditscorer.api.grpc.v2.InferParameter;
import io.creditscorer.api.grpc.v2.InferTensorContents;
import io.creditscorer.api.grpc.v2.ModelInferRequest;
import io.creditscorer.api.grpc.v2.ModelInferResponse;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.RawTensors;
import io.creditscorer.inference.Tensor;
import io.creditscorer.scoring.InferRequest;
import io.creditscorer.scoring.InferResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Open Inference Protocol gRPC messages to and from the engine's tensors: typed {@code
 * InferTensorContents} or little-endian {@code raw_input_contents} in, typed or raw out.
 */
final class GrpcTensors {

  static final String BINARY_OUTPUT = "binary_data_output";
  static final String BINARY_DATA = "binary_data";

  private GrpcTensors() {}

  static InferRequest decode(ModelInferRequest request, Duration timeout) {
    List<FieldError> errors = new ArrayList<>();
    int raws = request.getRawInputContentsCount();
    boolean raw = raws > 0;
    if (raw && raws != request.getInputsCount()) {
      errors.add(
          new FieldError(
              "raw_input_contents",
              "has "
                  + raws
                  + " entries for "
                  + request.getInputsCount()
                  + " inputs; give one per input, in order"));
    }
    if (request.getInputsCount() == 0) {
      errors.add(new FieldError("inputs", "must list at least one input tensor"));
    }
    List<Tensor> inputs = new ArrayList<>();
    for (int i = 0; i < request.getInputsCount() && errors.isEmpty(); i++) {
      ModelInferRequest.InferInputTensor in = request.getInputs(i);
      String path = in.getName().isEmpty() ? "inputs[" + i + "]" : "inputs." + in.getName();
      if (in.getName().isEmpty()) {
        errors.add(new FieldError(path + ".name", "is required"));
        continue;
      }
      String problem = DataType.problemWith(in.getDatatype().isEmpty() ? null : in.getDatatype());
      if (problem != null) {
        errors.add(new FieldError(path + ".datatype", problem));
        continue;
      }
      DataType type = DataType.valueOf(in.getDatatype());
      long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
      long expected;
      try {
        expected = Tensor.elementCount(in.getName(), shape);
      } catch (InvalidInputException e) {
        errors.addAll(e.errors());
        continue;
      }
      Object data;
      if (raw) {
        if (in.hasContents()) {
          errors.add(
              new FieldError(
                  path + ".contents", "is set together with raw_input_contents; use one of them"));
          continue;
        }
        data = fromRaw(type, request.getRawInputContents(i), expected, path, shape, errors);
      } else {
        data = fromTyped(type, in.getContents(), expected, path, shape, errors);
      }
      if (data != null) {
        inputs.add(new Tensor(in.getName(), type, shape, data));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    List<String> outputs =
        request.getOutputsList().stream()
            .map(ModelInferRequest.InferRequestedOutputTensor::getName)
            .toList();
    return new InferRequest(
        request.getModelName(),
        request.getModelVersion().isEmpty() ? null : request.getModelVersion(),
        request.getId().isEmpty() ? null : request.getId(),
        inputs,
        outputs,
        timeout);
  }

  /**
   * Whether to answer in {@code raw_output_contents}: as the request's inputs came (raw inputs, raw
   * outputs: Triton's clients read only those; typed inputs, typed outputs: KServe's), unless the
   * request says otherwise: its {@code binary_data_output} parameter, else an output's {@code
   * binary_data} (any true: raw; else any false: typed).
   */
  static boolean wantsRaw(ModelInferRequest request) {
    Boolean all = flag(request.getParametersMap(), BINARY_OUTPUT);
    if (all != null) {
      return all;
    }
    Boolean any = null;
    for (ModelInferRequest.InferRequestedOutputTensor o : request.getOutputsList()) {
      Boolean one = flag(o.getParametersMap(), BINARY_DATA);
      if (one != null) {
        any = one || (any != null && any);
      }
    }
    return any != null ? any : request.getRawInputContentsCount() > 0;
  }

  private static Boolean flag(Map<String, InferParameter> parameters, String key) {
    InferParameter p = parameters.get(key);
    return p != null && p.getParameterChoiceCase() == InferParameter.ParameterChoiceCase.BOOL_PARAM
        ? p.getBoolParam()
        : null;
  }

  static ModelInferResponse encode(InferResult result, boolean raw) {
    ModelInferResponse.Builder response =
        ModelInferResponse.newBuilder()
            .setModelName(result.model())
            .setModelVersion(result.version());
    if (result.id() != null) {
      response.setId(result.id());
    }
    for (Tensor t : result.outputs()) {
      ModelInferResponse.InferOutputTensor.Builder out =
          ModelInferResponse.InferOutputTensor.newBuilder()
              .setName(t.name())
              .setDatatype(t.datatype().name());
      for (long d : t.shape()) {
        out.addShape(d);
      }
      if (raw) {
        response.addRawOutputContents(toRaw(t));
      } else {
        out.setContents(toTyped(t));
      }
      response.addOutputs(out);
    }
    return response.build();
  }

  private static String countProblem(String what, int given, long[] shape, long expected) {
    return "has "
        + given
        + " "
        + what
        + " but shape "
        + Arrays.toString(shape)
        + " needs "
        + expected;
  }

  private static Object fromTyped(
      DataType type,
      InferTensorContents c,
      long expected,
      String path,
      long[] shape,
      List<FieldError> errors) {
    int[] counts = {
      c.getBoolContentsCount(), c.getIntContentsCount(), c.getInt64ContentsCount(),
          c.getUintContentsCount(),
      c.getUint64ContentsCount(), c.getFp32ContentsCount(), c.getFp64ContentsCount(),
          c.getBytesContentsCount()
    };
    String[] fields = {
      "bool_contents", "int_contents", "int64_contents", "uint_contents",
      "uint64_contents", "fp32_contents", "fp64_contents", "bytes_contents"
    };
    int own =
        switch (type) {
          case BOOL -> 0;
          case INT32 -> 1;
          case INT64 -> 2;
          case FP32 -> 5;
          case FP64 -> 6;
          case BYTES -> 7;
        };
    for (int f = 0; f < counts.length; f++) {
      if (f != own && counts[f] > 0) {
        errors.add(
            new FieldError(
                path + ".contents",
                "a " + type + " tensor carries its data in " + fields[own] + ", not " + fields[f]));
        return null;
      }
    }
    if (counts[own] != expected) {
      errors.add(
          new FieldError(
              path + ".contents", countProblem(fields[own], counts[own], shape, expected)));
      return null;
    }
    int n = (int) expected;
    return switch (type) {
      case BOOL -> {
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
          a[i] = c.getBoolContents(i);
        }
        yield a;
      }
      case INT32 -> c.getIntContentsList().stream().mapToInt(Integer::intValue).toArray();
      case INT64 -> c.getInt64ContentsList().stream().mapToLong(Long::longValue).toArray();
      case FP32 -> {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
          a[i] = c.getFp32Contents(i);
          if (!Float.isFinite(a[i])) {
            errors.add(
                new FieldError(path + ".contents", "element " + i + " is not a finite number"));
            yield null;
          }
        }
        yield a;
      }
      case FP64 -> {
        double[] a = c.getFp64ContentsList().stream().mapToDouble(Double::doubleValue).toArray();
        for (int i = 0; i < n; i++) {
          if (!Double.isFinite(a[i])) {
            errors.add(
                new FieldError(path + ".contents", "element " + i + " is not a finite number"));
            yield null;
          }
        }
        yield a;
      }
      case BYTES ->
          c.getBytesContentsList().stream()
              .map(b -> b.toString(StandardCharsets.UTF_8))
              .toArray(String[]::new);
    };
  }

  private static Object fromRaw(
      DataType type,
      ByteString bytes,
      long expected,
      String path,
      long[] shape,
      List<FieldError> errors) {
    return RawTensors.decode(type, bytes.asReadOnlyByteBuffer(), expected, path, shape, errors);
  }

  private static InferTensorContents toTyped(Tensor t) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    switch (t.datatype()) {
      case BOOL -> {
        for (boolean v : (boolean[]) t.data()) {
          c.addBoolContents(v);
        }
      }
      case INT32 -> {
        for (int v : (int[]) t.data()) {
          c.addIntContents(v);
        }
      }
      case INT64 -> {
        for (long v : (long[]) t.data()) {
          c.addInt64Contents(v);
        }
      }
      case FP32 -> {
        for (float v : (float[]) t.data()) {
          c.addFp32Contents(v);
        }
      }
      case FP64 -> {
        for (double v : (double[]) t.data()) {
          c.addFp64Contents(v);
        }
      }
      case BYTES -> {
        for (String v : (String[]) t.data()) {
          c.addBytesContents(ByteString.copyFromUtf8(v));
        }
      }
    }
    return c.build();
  }

  /** Little-endian, row-major; BYTES elements each prefixed by a 4-byte little-endian length. */
  static ByteString toRaw(Tensor t) {
    return UnsafeByteOperations.unsafeWrap(RawTensors.encode(t));
  }
}
