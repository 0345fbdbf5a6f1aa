package io.creditscorer.api.rest;

import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.RawTensors;
import io.creditscorer.inference.Tensor;
import io.creditscorer.inference.TensorMeta;
import io.creditscorer.scoring.InferRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Triton's binary tensor data extension on REST: a body is a JSON header followed by raw tensor
 * bytes, the header's length in the {@code Inference-Header-Content-Length} HTTP header. An input
 * sent in binary names its size ({@code "parameters": {"binary_data_size": N}}) instead of {@code
 * data}; the binary parts follow the header in input order, each in {@link
 * io.creditscorer.inference.RawTensors}' layout. An answer with binary outputs has the same shape.
 */
final class BinaryTensorData {

  static final String HEADER = "Inference-Header-Content-Length";
  static final String CONTENT_TYPE = "application/octet-stream";

  /** An input's parameter: the bytes of its data in the binary part. */
  static final String DATA_SIZE = "binary_data_size";

  /** An output's parameter: answer this output in binary. */
  static final String DATA = "binary_data";

  /** A request's parameter: answer every output in binary. */
  static final String ALL_OUTPUTS = "binary_data_output";

  private BinaryTensorData() {}

  /**
   * The JSON header's length, from the HTTP header: {@code null} when it is absent (the whole body
   * is JSON).
   *
   * @throws InvalidInputException when it is not a whole number from 0 to the body's length
   */
  static Integer headerLength(String header, int bodyLength) {
    if (header == null) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(HEADER, "must be a whole number of bytes, not " + header);
    }
    if (n < 0 || n > bodyLength) {
      throw new InvalidInputException(
          HEADER,
          "is " + n + " but the body has " + bodyLength + " bytes; the JSON header must fit");
    }
    return (int) n;
  }

  /** The binary parts after the header, read in input order. */
  static final class Parts {
    private final ByteBuffer rest;

    Parts(byte[] body, int headerLength) {
      this.rest = ByteBuffer.wrap(body, headerLength, body.length - headerLength).slice();
    }

    /** The next {@code size} bytes, or {@code null} with the problem added when fewer remain. */
    ByteBuffer take(long size, String path, List<FieldError> errors) {
      if (size > rest.remaining()) {
        errors.add(
            new FieldError(
                path,
                "is "
                    + size
                    + " but only "
                    + rest.remaining()
                    + " bytes of binary data remain after the inputs before it"));
        rest.position(rest.limit());
        return null;
      }
      ByteBuffer part = rest.slice();
      part.limit((int) size);
      rest.position(rest.position() + (int) size);
      return part;
    }

    /** Adds a problem when bytes are left after the last binary input. */
    void expectEnd(List<FieldError> errors) {
      if (rest.hasRemaining()) {
        errors.add(
            new FieldError(
                "body",
                rest.remaining()
                    + " bytes of binary data follow the last input's; the inputs'"
                    + " binary_data_size must add up to the binary part"));
      }
    }
  }

  /**
   * A raw binary request ({@code Inference-Header-Content-Length: 0}): the body is the one input's
   * data alone; its shape is the input's, the batch dimension 1 and at most one other variable
   * dimension taken from the body's size; every output is answered in binary.
   */
  static V2Codec.V2Request raw(
      String model, String version, List<TensorMeta> inputs, byte[] body, Duration timeout) {
    if (inputs.size() != 1) {
      throw new InvalidInputException(
          "body",
          "a raw binary request (no JSON header) needs a model with exactly one input; "
              + model
              + " has "
              + inputs.size());
    }
    TensorMeta input = inputs.get(0);
    long[] shape = input.shape();
    if (shape.length > 0 && shape[0] < 0) {
      shape[0] = 1; // one request, one row of a batched model
    }
    int variable = -1;
    long fixed = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] >= 0) {
        fixed = Math.multiplyExact(fixed, Math.max(shape[i], 1));
      } else if (variable >= 0 || input.datatype() == DataType.BYTES) {
        throw new InvalidInputException(
            "body",
            "a raw binary request needs an input whose shape the body's size decides; "
                + input.name()
                + " has shape "
                + Arrays.toString(input.shape()));
      } else {
        variable = i;
      }
    }
    if (variable >= 0) {
      long width = (long) RawTensors.width(input.datatype()) * fixed;
      if (body.length % width != 0) {
        throw new InvalidInputException(
            "body",
            "has "
                + body.length
                + " bytes, not a whole number of "
                + input.datatype()
                + " rows of "
                + width
                + " bytes for "
                + input.name());
      }
      shape[variable] = body.length / width;
    }
    List<FieldError> errors = new ArrayList<>();
    long expected = Tensor.elementCount(input.name(), shape);
    Object values =
        RawTensors.decode(input.datatype(), ByteBuffer.wrap(body), expected, "body", shape, errors);
    if (values == null) {
      throw new InvalidInputException(errors);
    }
    return new V2Codec.V2Request(
        new InferRequest(
            model,
            version,
            null,
            List.of(new Tensor(input.name(), input.datatype(), shape, values)),
            List.of(),
            timeout),
        true,
        Map.of());
  }

  /** A JSON header followed by the binary parts, in order. */
  static byte[] join(byte[] header, List<byte[]> parts) {
    int size = header.length;
    for (byte[] p : parts) {
      size += p.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    out.writeBytes(header);
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
