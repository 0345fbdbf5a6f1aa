package io.creditscorer.scoring;

import io.creditscorer.inference.Tensor;
import java.time.Duration;
import java.util.List;

/**
 * An Open Inference Protocol call, transport-neutral.
 *
 * @param version explicit version, or {@code null} for the served default
 * @param id the caller's request id, echoed back (may be {@code null})
 * @param outputs outputs asked for, empty for all
 * @param timeout how long the caller waits, or {@code null} for the configured default
 */
public record InferRequest(
    String model,
    String version,
    String id,
    List<Tensor> inputs,
    List<String> outputs,
    Duration timeout) {}
