package io.creditscorer.inference;

import ai.onnxruntime.OnnxJavaType;
import java.util.Optional;

/**
 * The Open Inference Protocol datatypes this server carries, with their ONNX Runtime element type.
 * The protocol's other names (UINT*, INT8/16, FP16) are recognised and refused with a clear
 * message.
 */
public enum DataType {
  BOOL(OnnxJavaType.BOOL),
  INT32(OnnxJavaType.INT32),
  INT64(OnnxJavaType.INT64),
  FP32(OnnxJavaType.FLOAT),
  FP64(OnnxJavaType.DOUBLE),
  BYTES(OnnxJavaType.STRING);

  private static final java.util.Set<String> PROTOCOL_ONLY =
      java.util.Set.of("UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "FP16", "BF16");

  private final OnnxJavaType onnxType;

  DataType(OnnxJavaType onnxType) {
    this.onnxType = onnxType;
  }

  public OnnxJavaType onnxType() {
    return onnxType;
  }

  /** The datatype of an ONNX element type, if this server carries it. */
  public static Optional<DataType> ofOnnx(OnnxJavaType type) {
    for (DataType d : values()) {
      if (d.onnxType == type) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /**
   * Parses a protocol datatype name.
   *
   * @return the problem with the name, or {@code null} when {@code name} is carried here
   */
  public static String problemWith(String name) {
    if (name == null) {
      return "datatype is required";
    }
    for (DataType d : values()) {
      if (d.name().equals(name)) {
        return null;
      }
    }
    if (PROTOCOL_ONLY.contains(name)) {
      return "datatype "
          + name
          + " is not supported by this server (use BOOL, INT32, INT64, FP32, FP64 or BYTES)";
    }
    return "unknown datatype '" + name + "' (use BOOL, INT32, INT64, FP32, FP64 or BYTES)";
  }
}
