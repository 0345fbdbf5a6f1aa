package io.creditscorer.scoring;

import io.creditscorer.error.ScoringException;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.routing.Router;

/**
 * Chooses the version a request is scored with and takes a lease on it, so a reload cannot close it
 * under the request; the caller releases it ({@code version.model().release()}) when the answer is
 * complete. Thread-safe.
 */
final class VersionLeases {

  private static final int ATTEMPTS = 100;

  private final ModelRepository repository;
  private final Router router;

  VersionLeases(ModelRepository repository, Router router) {
    this.repository = repository;
    this.router = router;
  }

  /**
   * The version the router chooses, leased. An explicit version must exist; a routed one that is
   * not served (e.g. a canary being rolled back) falls back to the latest.
   */
  ModelVersion routed(String model, String explicit, String stickyKey) {
    String chosen = router.choose(model, explicit, stickyKey);
    if (explicit != null || chosen == null) {
      return lease(model, chosen);
    }
    try {
      return lease(model, chosen);
    } catch (ScoringException e) {
      return lease(model, null);
    }
  }

  /**
   * Resolves a version ({@code null}: the latest) and leases it. A version retired between the two
   * steps is resolved again.
   */
  ModelVersion lease(String model, String version) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      ModelVersion v = repository.resolve(model, version);
      if (v.model().tryAcquire()) {
        return v;
      }
    }
    throw ScoringException.notReady("model " + model + " is being reloaded; retry");
  }
}
