package io.creditscorer.spi;

import io.creditscorer.repository.ModelVersion;
import java.util.List;
import java.util.Map;

/**
 * Told about every scored credit request, with the applicants' fields and their probabilities of
 * default (e.g. for drift windows). Called on the request path: implementations hand the work off
 * and return at once; they must not throw.
 */
@FunctionalInterface
public interface DecisionListener {

  void decided(ModelVersion version, List<Map<String, Object>> applicants, double[] pd);

  static DecisionListener none() {
    return (version, applicants, pd) -> {};
  }
}
