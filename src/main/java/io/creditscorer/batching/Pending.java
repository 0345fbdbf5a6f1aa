package io.creditscorer.batching;

import io.creditscorer.inference.Tensor;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One queued request: its tensors, how many rows they hold, when it arrived, when it expires, the
 * future it completes, and its trace ({@code null} when not recorded).
 */
record Pending(
    List<Tensor> feeds,
    List<String> outputs,
    int rows,
    long enqueued,
    long deadline,
    CompletableFuture<List<Tensor>> result,
    Object trace) {}
