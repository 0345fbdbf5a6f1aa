package io.creditscorer.inference;

import io.creditscorer.error.InvalidInputException.FieldError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tensors as raw bytes, the layout of the Open Inference Protocol's {@code raw_input_contents} and
 * {@code raw_output_contents} (gRPC) and of Triton's binary tensor data extension (REST):
 * little-endian, row-major, each {@code BYTES} element a 4-byte little-endian length and its bytes.
 */
public final class RawTensors {

  private RawTensors() {}

  /** Bytes per element; -1 for BYTES (each element its length and bytes). */
  public static int width(DataType type) {
    return switch (type) {
      case BOOL -> 1;
      case INT32, FP32 -> 4;
      case INT64, FP64 -> 8;
      case BYTES -> -1;
    };
  }

  /**
   * The elements of a tensor of {@code expected} elements sent as {@code bytes}; {@code null} with
   * the problem added to {@code errors} (named {@code path}) when the bytes do not hold exactly
   * that many, or hold a number that is not finite. Nothing is allocated before the size is
   * checked.
   */
  public static Object decode(
      DataType type,
      ByteBuffer bytes,
      long expected,
      String path,
      long[] shape,
      List<FieldError> errors) {
    ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) Math.min(expected, Integer.MAX_VALUE);
    if (type == DataType.BYTES) {
      List<String> out = new ArrayList<>();
      while (b.remaining() >= 4 && out.size() <= expected) {
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
          errors.add(
              new FieldError(
                  path,
                  "raw BYTES element "
                      + out.size()
                      + " declares "
                      + len
                      + " bytes but "
                      + b.remaining()
                      + " remain"));
          return null;
        }
        byte[] s = new byte[len];
        b.get(s);
        out.add(new String(s, StandardCharsets.UTF_8));
      }
      if (b.remaining() != 0 || out.size() != expected) {
        errors.add(
            new FieldError(
                path,
                "raw BYTES contents hold "
                    + out.size()
                    + " length-prefixed elements (plus "
                    + b.remaining()
                    + " stray bytes) but shape "
                    + Arrays.toString(shape)
                    + " needs "
                    + expected));
        return null;
      }
      return out.toArray(String[]::new);
    }
    long needed;
    try {
      needed = Math.multiplyExact(expected, (long) width(type));
    } catch (ArithmeticException tooLarge) {
      needed = Long.MAX_VALUE; // never equal to the bytes given: refused below, nothing allocated
    }
    if (b.remaining() != needed) {
      errors.add(
          new FieldError(
              path,
              "raw contents have "
                  + b.remaining()
                  + " bytes but a "
                  + type
                  + " tensor of shape "
                  + Arrays.toString(shape)
                  + " needs "
                  + needed));
      return null;
    }
    switch (type) {
      case BOOL -> {
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
          a[i] = b.get() != 0;
        }
        return a;
      }
      case INT32 -> {
        int[] a = new int[n];
        b.asIntBuffer().get(a);
        return a;
      }
      case INT64 -> {
        long[] a = new long[n];
        b.asLongBuffer().get(a);
        return a;
      }
      case FP32 -> {
        float[] a = new float[n];
        b.asFloatBuffer().get(a);
        for (int i = 0; i < n; i++) {
          if (!Float.isFinite(a[i])) {
            errors.add(new FieldError(path, "element " + i + " is not a finite number"));
            return null;
          }
        }
        return a;
      }
      case FP64 -> {
        double[] a = new double[n];
        b.asDoubleBuffer().get(a);
        for (int i = 0; i < n; i++) {
          if (!Double.isFinite(a[i])) {
            errors.add(new FieldError(path, "element " + i + " is not a finite number"));
            return null;
          }
        }
        return a;
      }
      default -> throw new IllegalStateException(type.name());
    }
  }

  /** Little-endian, row-major; BYTES elements each prefixed by a 4-byte little-endian length. */
  public static byte[] encode(Tensor t) {
    if (t.datatype() == DataType.BYTES) {
      String[] values = (String[]) t.data();
      byte[][] encoded = new byte[values.length][];
      int size = 0;
      for (int i = 0; i < values.length; i++) {
        encoded[i] = values[i].getBytes(StandardCharsets.UTF_8);
        size += 4 + encoded[i].length;
      }
      ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      for (byte[] e : encoded) {
        b.putInt(e.length).put(e);
      }
      return b.array();
    }
    int n = Tensor.length(t.data());
    ByteBuffer b = ByteBuffer.allocate(n * width(t.datatype())).order(ByteOrder.LITTLE_ENDIAN);
    switch (t.datatype()) {
      case BOOL -> {
        for (boolean v : (boolean[]) t.data()) {
          b.put((byte) (v ? 1 : 0));
        }
      }
      case INT32 -> b.asIntBuffer().put((int[]) t.data());
      case INT64 -> b.asLongBuffer().put((long[]) t.data());
      case FP32 -> b.asFloatBuffer().put((float[]) t.data());
      case FP64 -> b.asDoubleBuffer().put((double[]) t.data());
      default -> throw new IllegalStateException(t.datatype().name());
    }
    return b.array();
  }
}
