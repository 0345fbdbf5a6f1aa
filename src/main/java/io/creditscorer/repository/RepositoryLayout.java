package io.creditscorer.repository;

import io.creditscorer.error.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository on disk: {@code <root>/<model>/<version>/} with {@code model.onnx} and an optional
 * descriptor. Lists models and the versions the policy serves, and stamps a version's files so a
 * scan loads only what changed. Thread-safe (holds only settings).
 */
final class RepositoryLayout {

  /** The model file in a version directory. */
  static final String MODEL_FILE = "model.onnx";

  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final RepositorySettings settings;

  RepositoryLayout(RepositorySettings settings) {
    this.settings = settings;
  }

  /**
   * The directory of a model, confined to the repository.
   *
   * @throws InvalidInputException for a name that is not a plain directory name (path traversal,
   *     separators, hidden names)
   */
  Path modelDirectory(String model) {
    if (model == null || !MODEL_NAME.matcher(model).matches() || model.contains("..")) {
      throw new InvalidInputException(
          "model",
          "must be a plain name of letters, digits, '.', '_' or '-' (at most 64), not a path");
    }
    Path root = settings.root().toAbsolutePath().normalize();
    Path dir = root.resolve(model).normalize();
    if (!dir.getParent().equals(root)) {
      throw new InvalidInputException(
          "model", "must name a directory directly inside the repository");
    }
    return dir;
  }

  /**
   * {@code text} (a failure's reason, shown in readiness and the repository index) with the
   * repository's location on this host replaced by {@code <repository>}: public answers name models
   * and versions, never the host's file paths.
   */
  String withoutRoot(String text) {
    String absolute = settings.root().toAbsolutePath().normalize().toString();
    String configured = settings.root().toString();
    String out = text.replace(absolute, "<repository>");
    return configured.isEmpty() || configured.equals(".")
        ? out
        : out.replace(configured, "<repository>");
  }

  /** The models on disk, by directory name. */
  List<String> onDisk() {
    return list(settings.root()).stream().map(p -> p.getFileName().toString()).toList();
  }

  /** The version directories of a model that the version policy serves, lowest first. */
  List<Path> versionDirectories(Path modelDir) {
    List<Path> versionDirs = new ArrayList<>(list(modelDir));
    versionDirs.sort(
        Comparator.comparing(p -> p.getFileName().toString(), ModelRepository.VERSION_ORDER));
    if (settings.versionPolicy() == RepositorySettings.VersionPolicy.LATEST
        && versionDirs.size() > settings.latest()) {
      versionDirs = versionDirs.subList(versionDirs.size() - settings.latest(), versionDirs.size());
    }
    return versionDirs;
  }

  /** Changes when model.onnx or model.json is replaced, touched or resized. */
  static String stamp(Path dir) {
    StringBuilder s = new StringBuilder();
    for (String file : new String[] {MODEL_FILE, Descriptors.FILE_NAME}) {
      Path f = dir.resolve(file);
      try {
        s.append(Files.size(f)).append('@').append(Files.getLastModifiedTime(f).toMillis());
      } catch (IOException missing) {
        s.append('-');
      }
      s.append(';');
    }
    return s.toString();
  }

  /** The subdirectories of {@code dir} that are not hidden, by name. */
  static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
