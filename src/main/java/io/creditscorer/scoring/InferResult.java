package io.creditscorer.scoring;

import io.creditscorer.inference.Tensor;
import java.util.List;

/** The answer to an {@link InferRequest}: which version answered, and its outputs. */
public record InferResult(String model, String version, String id, List<Tensor> outputs) {}
