package io.creditscorer.repository;

import java.nio.file.Path;

/**
 * Where models live and which versions of each are served.
 *
 * @param root directory holding {@code <model>/<version>/model.onnx}
 * @param versionPolicy {@link VersionPolicy#ALL} versions, or only the {@code latest} highest
 * @param latest how many versions {@link VersionPolicy#LATEST} keeps
 * @param warmupRuns inference runs on each version before it is ready
 */
public record RepositorySettings(
    Path root, VersionPolicy versionPolicy, int latest, int warmupRuns) {

  /** Which versions of a model are loaded. */
  public enum VersionPolicy {
    ALL,
    LATEST
  }

  public RepositorySettings {
    if (latest < 1) {
      throw new IllegalArgumentException(
          "scorer.repository.latest must be at least 1, got " + latest);
    }
    if (warmupRuns < 0) {
      throw new IllegalArgumentException(
          "scorer.repository.warmup-runs must be >= 0, got " + warmupRuns);
    }
  }
}
