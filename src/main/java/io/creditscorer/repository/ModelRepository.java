package io.creditscorer.repository;

import ai.onnxruntime.OrtEnvironment;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.OnnxModel;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.inference.Tensor;
import io.creditscorer.inference.TensorMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Scans a directory of {@code <model>/<version>/model.onnx} (with an optional {@code model.json}),
 * loads, validates and warms up every version the policy selects, and serves them from an immutable
 * routing table that is swapped atomically. A version that fails to load is recorded with its
 * reason and never served; the others keep serving.
 *
 * <p>Thread-safe: lookups read the current table without locking.
 */
public final class ModelRepository implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ModelRepository.class.getName());

  /** Versions compare numerically when both are numbers, else as text. */
  public static final Comparator<String> VERSION_ORDER =
      (a, b) -> {
        boolean na = a.chars().allMatch(Character::isDigit) && !a.isEmpty() && a.length() < 19;
        boolean nb = b.chars().allMatch(Character::isDigit) && !b.isEmpty() && b.length() < 19;
        if (na && nb) {
          return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return na != nb ? (na ? -1 : 1) : a.compareTo(b);
      };

  /** The served versions of one model, highest last. */
  public record Model(String name, NavigableMap<String, ModelVersion> versions) {
    public ModelVersion latest() {
      return versions.lastEntry().getValue();
    }
  }

  private record Table(Map<String, Model> models, Map<String, String> failures, boolean loaded) {}

  private final RepositorySettings settings;
  private final OrtEnvironment env;
  private final SessionSettings sessionSettings;
  private final AtomicReference<Table> table =
      new AtomicReference<>(new Table(Map.of(), Map.of(), false));

  public ModelRepository(
      RepositorySettings settings, OrtEnvironment env, SessionSettings sessionSettings) {
    this.settings = settings;
    this.env = env;
    this.sessionSettings = sessionSettings;
  }

  /**
   * Loads every version the policy selects. Failures are logged and kept (see {@link #failures()}),
   * never thrown: a bad version must not stop the others from serving.
   *
   * @throws IllegalStateException when the repository directory itself does not exist
   */
  public synchronized void loadAll() {
    Path root = settings.root();
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException(
          "model repository "
              + root.toAbsolutePath()
              + " is not a directory; set scorer.repository.path");
    }
    Map<String, Model> models = new TreeMap<>();
    Map<String, String> failures = new TreeMap<>();
    for (Path modelDir : list(root)) {
      String name = modelDir.getFileName().toString();
      List<Path> versionDirs = new ArrayList<>(list(modelDir));
      versionDirs.sort(Comparator.comparing(p -> p.getFileName().toString(), VERSION_ORDER));
      if (settings.versionPolicy() == RepositorySettings.VersionPolicy.LATEST
          && versionDirs.size() > settings.latest()) {
        versionDirs =
            versionDirs.subList(versionDirs.size() - settings.latest(), versionDirs.size());
      }
      NavigableMap<String, ModelVersion> versions = new TreeMap<>(VERSION_ORDER);
      for (Path dir : versionDirs) {
        String version = dir.getFileName().toString();
        long start = System.nanoTime();
        try {
          ModelVersion loaded = load(name, version, dir);
          versions.put(version, loaded);
          LOG.info(
              String.format(
                  "Loaded %s in %d ms: inputs %s, outputs %s%s",
                  loaded.id(),
                  (System.nanoTime() - start) / 1_000_000,
                  loaded.inputs(),
                  loaded.outputs(),
                  loaded.credit().isPresent() ? ", credit model" : ""));
        } catch (Exception | LinkageError e) {
          String reason = e.getMessage() == null ? e.toString() : e.getMessage();
          failures.put(name + "/" + version, reason);
          LOG.log(
              Level.SEVERE,
              "Refused model version {0}/{1}: {2}",
              new Object[] {name, version, reason});
        }
      }
      if (!versions.isEmpty()) {
        models.put(name, new Model(name, Collections.unmodifiableNavigableMap(versions)));
      }
    }
    Table old =
        table.getAndSet(
            new Table(
                Collections.unmodifiableMap(models), Collections.unmodifiableMap(failures), true));
    closeAll(old);
  }

  private ModelVersion load(String name, String version, Path dir) throws Exception {
    Path onnx = dir.resolve("model.onnx");
    if (!Files.isRegularFile(onnx)) {
      throw new IllegalArgumentException("no model.onnx in " + dir);
    }
    ModelDescriptor descriptor = null;
    Path descriptorFile = dir.resolve(Descriptors.FILE_NAME);
    if (Files.isRegularFile(descriptorFile)) {
      try {
        descriptor = Descriptors.read(descriptorFile);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "unreadable " + Descriptors.FILE_NAME + ": " + e.getMessage(), e);
      }
      if (descriptor.name() != null && !descriptor.name().equals(name)) {
        throw new IllegalArgumentException(
            Descriptors.FILE_NAME
                + " names model '"
                + descriptor.name()
                + "' but it lies in "
                + name
                + "/");
      }
      if (descriptor.version() != null && !descriptor.version().equals(version)) {
        throw new IllegalArgumentException(
            Descriptors.FILE_NAME
                + " names version '"
                + descriptor.version()
                + "' but it lies in "
                + version
                + "/");
      }
    }
    OnnxModel model = OnnxModel.load(env, onnx, sessionSettings);
    try {
      DescriptorValidator.Validated valid = DescriptorValidator.validate(descriptor, model);
      warmUp(model, valid.inputs(), valid.outputs());
      return new ModelVersion(
          name,
          version,
          dir,
          model,
          valid.inputs(),
          valid.outputs(),
          valid.credit(),
          descriptor == null ? null : descriptor.batching(),
          sha256(onnx),
          descriptor == null ? null : descriptor.baseline());
    } catch (Exception e) {
      model.close();
      throw e;
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs zero-filled inputs (variable dimensions set to 1) so the first request is not slow. */
  private void warmUp(OnnxModel model, List<TensorMeta> inputs, List<TensorMeta> outputs)
      throws Exception {
    List<Tensor> feeds = new ArrayList<>();
    for (TensorMeta in : inputs) {
      long[] shape = Arrays.stream(in.shape()).map(d -> d < 0 ? 1 : d).toArray();
      int n = (int) Tensor.elementCount(in.name(), shape);
      Object data = Tensor.allocate(in.datatype(), n);
      if (in.datatype() == DataType.BYTES) {
        Arrays.fill((String[]) data, "");
      }
      feeds.add(new Tensor(in.name(), in.datatype(), shape, data));
    }
    List<String> names = outputs.stream().map(TensorMeta::name).toList();
    for (int i = 0; i < settings.warmupRuns(); i++) {
      model.run(feeds, names);
    }
  }

  /** Whether the initial scan finished and every model found has a servable version. */
  public boolean isReady() {
    Table t = table.get();
    return t.loaded && !t.models.isEmpty();
  }

  /** The served models by name. */
  public Map<String, Model> models() {
    return table.get().models;
  }

  /** Versions that failed to load, {@code model/version} to reason. */
  public Map<String, String> failures() {
    return table.get().failures;
  }

  public Optional<Model> model(String name) {
    return Optional.ofNullable(table.get().models.get(name));
  }

  /**
   * The version to serve.
   *
   * @param version an explicit version, or {@code null} for the model's latest
   * @throws ScoringException NOT_FOUND for an unknown model or version, NOT_READY for a version
   *     that exists but failed to load
   */
  public ModelVersion resolve(String name, String version) {
    Table t = table.get();
    Model model = t.models.get(name);
    if (version != null) {
      ModelVersion v = model == null ? null : model.versions.get(version);
      if (v != null) {
        return v;
      }
      String failure = t.failures.get(name + "/" + version);
      if (failure != null) {
        throw ScoringException.notReady(
            "model " + name + " version " + version + " is not ready: " + failure);
      }
      throw ScoringException.notFound(
          model == null
              ? unknownModel(t, name)
              : "model "
                  + name
                  + " has no version "
                  + version
                  + " (versions: "
                  + model.versions.keySet()
                  + ")");
    }
    if (model == null) {
      throw t.loaded
          ? ScoringException.notFound(unknownModel(t, name))
          : ScoringException.notReady("models are still loading");
    }
    return model.latest();
  }

  private static String unknownModel(Table t, String name) {
    return "unknown model '" + name + "' (models: " + t.models.keySet() + ")";
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void closeAll(Table t) {
    for (Model m : t.models.values()) {
      for (ModelVersion v : m.versions.values()) {
        try {
          v.model().close();
        } catch (Exception e) {
          LOG.log(Level.WARNING, "Closing " + v.id() + " failed", e);
        }
      }
    }
  }

  @Override
  public void close() {
    closeAll(table.getAndSet(new Table(Map.of(), Map.of(), false)));
  }

  /** Every version found, {@code model/version} to READY or FAILED with the reason. */
  public Map<String, String> status() {
    Map<String, String> status = new LinkedHashMap<>();
    Table t = table.get();
    t.models
        .values()
        .forEach(m -> m.versions.keySet().forEach(v -> status.put(m.name + "/" + v, "READY")));
    t.failures.forEach((k, v) -> status.put(k, "FAILED: " + v));
    return status;
  }
}
