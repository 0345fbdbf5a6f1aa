package io.creditscorer.scoring;

import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.inference.Tensor;
import io.creditscorer.inference.TensorMeta;
import io.creditscorer.repository.ModelVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an Open Inference Protocol request against the version's declared inputs and outputs
 * (names, datatypes, shapes, rows per call) before anything reaches ONNX Runtime. Thread-safe.
 */
final class V2SchemaCheck {

  private final int maxRequestRows;

  V2SchemaCheck(int maxRequestRows) {
    this.maxRequestRows = maxRequestRows;
  }

  /**
   * The outputs to compute: those requested, or all.
   *
   * @throws InvalidInputException naming every offending input and output
   */
  List<String> outputs(ModelVersion version, InferRequest request) {
    List<FieldError> errors = new ArrayList<>();
    List<Tensor> inputs = request.inputs() == null ? List.of() : request.inputs();
    Set<String> given = new HashSet<>();
    for (Tensor t : inputs) {
      String field = "inputs." + t.name();
      TensorMeta meta = find(version.inputs(), t.name());
      if (!given.add(t.name())) {
        errors.add(new FieldError(field, "is given more than once"));
      } else if (meta == null) {
        errors.add(
            new FieldError(
                field,
                "is not an input of "
                    + version.id()
                    + " (inputs: "
                    + names(version.inputs())
                    + ")"));
      } else if (meta.datatype() != t.datatype()) {
        errors.add(
            new FieldError(
                field, "has datatype " + t.datatype() + " but the model takes " + meta.datatype()));
      } else if (!meta.accepts(t.shape())) {
        errors.add(
            new FieldError(
                field,
                "has shape "
                    + Arrays.toString(t.shape())
                    + " but the model takes "
                    + Arrays.toString(meta.shape())
                    + " (-1: any size)"));
      } else if (t.shape().length > 0 && meta.shape()[0] < 0 && t.shape()[0] > maxRequestRows) {
        errors.add(
            new FieldError(
                field, "has " + t.shape()[0] + " rows; at most " + maxRequestRows + " per call"));
      }
    }
    for (TensorMeta meta : version.inputs()) {
      if (!given.contains(meta.name())) {
        errors.add(new FieldError("inputs." + meta.name(), "is required by " + version.id()));
      }
    }
    List<String> outputs = new ArrayList<>();
    if (request.outputs() == null || request.outputs().isEmpty()) {
      version.outputs().forEach(o -> outputs.add(o.name()));
    } else {
      for (String name : request.outputs()) {
        if (find(version.outputs(), name) == null) {
          errors.add(
              new FieldError(
                  "outputs." + name,
                  "is not an output of "
                      + version.id()
                      + " (outputs: "
                      + names(version.outputs())
                      + ")"));
        } else if (!outputs.contains(name)) {
          outputs.add(name);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return outputs;
  }

  private static TensorMeta find(List<TensorMeta> metas, String name) {
    for (TensorMeta m : metas) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    return null;
  }

  private static List<String> names(List<TensorMeta> metas) {
    return metas.stream().map(TensorMeta::name).toList();
  }
}
