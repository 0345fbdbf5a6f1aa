package io.creditscorer.inference;

import io.creditscorer.error.InvalidInputException;
import java.util.Arrays;
import java.util.List;

/**
 * A named, typed, row-major tensor. {@code data} is a primitive array matching {@code datatype}:
 * {@code boolean[]} BOOL, {@code int[]} INT32, {@code long[]} INT64, {@code float[]} FP32, {@code
 * double[]} FP64, {@code String[]} BYTES. Its length always equals the product of {@code shape}.
 */
public record Tensor(String name, DataType datatype, long[] shape, Object data) {

  public Tensor {
    long expected = elementCount(name, shape);
    if (length(data) != expected) {
      throw new InvalidInputException(
          "inputs." + name,
          "has "
              + length(data)
              + " elements but shape "
              + Arrays.toString(shape)
              + " needs "
              + expected);
    }
  }

  /** The most elements one tensor may hold: the largest array Java allocates. */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /**
   * The number of elements a shape holds.
   *
   * @throws InvalidInputException when a dimension is negative or the product passes {@link
   *     #MAX_ELEMENTS}
   */
  public static long elementCount(String name, long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new InvalidInputException(
            "inputs." + name, "shape " + Arrays.toString(shape) + " has a negative dimension");
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        n = Long.MAX_VALUE;
      }
      if (n > MAX_ELEMENTS) {
        throw new InvalidInputException(
            "inputs." + name, "shape " + Arrays.toString(shape) + " is too large");
      }
    }
    return n;
  }

  /** The parts' rows one after another, as one tensor of {@code rows} rows, named as the first. */
  public static Tensor concat(List<Tensor> parts, int rows) {
    Tensor first = parts.get(0);
    int total = 0;
    for (Tensor t : parts) {
      total += length(t.data());
    }
    Object data = allocate(first.datatype(), total);
    int at = 0;
    for (Tensor t : parts) {
      int n = length(t.data());
      System.arraycopy(t.data(), 0, data, at, n);
      at += n;
    }
    long[] shape = first.shape().clone();
    shape[0] = rows;
    return new Tensor(first.name(), first.datatype(), shape, data);
  }

  /** {@code rows} rows of this tensor from {@code fromRow} on, as a tensor of their own. */
  public Tensor slice(int fromRow, int rows) {
    long[] sliced = shape.clone();
    int perRow = sliced[0] == 0 ? 0 : length(data) / (int) sliced[0];
    sliced[0] = rows;
    Object part = allocate(datatype, rows * perRow);
    System.arraycopy(data, fromRow * perRow, part, 0, rows * perRow);
    return new Tensor(name, datatype, sliced, part);
  }

  /** Allocates the data array of a datatype. */
  public static Object allocate(DataType type, int length) {
    return switch (type) {
      case BOOL -> new boolean[length];
      case INT32 -> new int[length];
      case INT64 -> new long[length];
      case FP32 -> new float[length];
      case FP64 -> new double[length];
      case BYTES -> new String[length];
    };
  }

  public static int length(Object data) {
    if (data instanceof float[] a) {
      return a.length;
    } else if (data instanceof double[] a) {
      return a.length;
    } else if (data instanceof int[] a) {
      return a.length;
    } else if (data instanceof long[] a) {
      return a.length;
    } else if (data instanceof boolean[] a) {
      return a.length;
    } else if (data instanceof String[] a) {
      return a.length;
    }
    throw new IllegalArgumentException("unsupported tensor data " + data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && name.equals(t.name)
        && datatype == t.datatype
        && Arrays.equals(shape, t.shape)
        && Arrays.deepEquals(new Object[] {data}, new Object[] {t.data});
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + datatype + ", " + Arrays.toString(shape) + "]";
  }
}
