package io.creditscorer.batching;

import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One inference call for several requests: their rows concatenated along the first dimension, the
 * union of their outputs computed, and each output split back by rows.
 */
final class ConcatenatedRun {

  private ConcatenatedRun() {}

  /**
   * Runs the batch as one call and gives each member its own rows of every output it asked for.
   *
   * @throws ScoringException INTERNAL when an output does not keep the batch dimension
   */
  static List<List<Tensor>> run(
      String id, MicroBatcher.Executor executor, List<Pending> batch, int rows) throws Exception {
    List<Tensor> first = batch.get(0).feeds();
    List<Tensor> feeds = new ArrayList<>(first.size());
    for (Tensor t : first) {
      List<Tensor> parts = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        parts.add(find(p.feeds(), t.name()));
      }
      feeds.add(Tensor.concat(parts, rows));
    }
    LinkedHashSet<String> union = new LinkedHashSet<>();
    batch.forEach(p -> union.addAll(p.outputs()));
    List<String> outputNames = List.copyOf(union);
    List<Tensor> outputs = executor.run(feeds, outputNames);
    Map<String, Tensor> byName = new HashMap<>();
    for (Tensor t : outputs) {
      if (t.shape().length == 0 || t.shape()[0] != rows) {
        throw new ScoringException(
            ScoringException.Kind.INTERNAL,
            "output "
                + t.name()
                + " of "
                + id
                + " does not keep the batch dimension; turn batching off for it");
      }
      byName.put(t.name(), t);
    }
    List<List<Tensor>> results = new ArrayList<>(batch.size());
    int offset = 0;
    for (Pending p : batch) {
      List<Tensor> mine = new ArrayList<>(p.outputs().size());
      for (String name : p.outputs()) {
        mine.add(byName.get(name).slice(offset, p.rows()));
      }
      results.add(mine);
      offset += p.rows();
    }
    return results;
  }

  private static Tensor find(List<Tensor> feeds, String name) {
    for (Tensor t : feeds) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalStateException("batch member lacks input " + name);
  }
}
