package io.creditscorer.inference;

import java.util.Arrays;

/** A tensor a model takes or gives: name, datatype and shape, -1 marking a variable dimension. */
public record TensorMeta(String name, DataType datatype, long[] shape) {

  public TensorMeta {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Whether {@code dims} fits this shape: same rank, and every fixed dimension equal. */
  public boolean accepts(long[] dims) {
    if (dims.length != shape.length) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      if (shape[i] >= 0 && shape[i] != dims[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorMeta t
        && name.equals(t.name)
        && datatype == t.datatype
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + ":" + datatype + Arrays.toString(shape);
  }
}
