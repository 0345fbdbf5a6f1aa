package io.creditscorer.repository;

import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.SessionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

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
  public static final Comparator<String> VERSION_ORDER = new VersionOrder();

  /** The served versions of one model, highest last. */
  public record Model(String name, NavigableMap<String, ModelVersion> versions) {
    public ModelVersion latest() {
      return versions.lastEntry().getValue();
    }
  }

  private record Table(
      Map<String, Model> models,
      Map<String, String> failures,
      Map<String, String> stamps,
      boolean loaded) {}

  /**
   * What one scan changed, by {@code model/version}.
   *
   * @param loaded versions loaded (new, or files replaced) and now served
   * @param retired versions no longer served (removed, replaced or unloaded); they close once
   *     drained
   * @param failed versions that failed to load, with the reason (a served one keeps serving)
   */
  public record Changes(List<String> loaded, List<String> retired, Map<String, String> failed) {
    public boolean isEmpty() {
      return loaded.isEmpty() && retired.isEmpty() && failed.isEmpty();
    }

    /**
     * These changes, if every version loaded.
     *
     * @throws ScoringException CONFLICT naming each version that failed and why
     */
    public Changes requireLoaded(String model) {
      if (!failed.isEmpty()) {
        throw new ScoringException(
            ScoringException.Kind.CONFLICT,
            "model " + model + " did not load completely: " + failed);
      }
      return this;
    }
  }

  private final RepositorySettings settings;
  private final VersionLoader loader;
  private final RepositoryLayout layout;
  private final AtomicReference<Table> table =
      new AtomicReference<>(new Table(Map.of(), Map.of(), Map.of(), false));
  private final Set<String> unloaded = new HashSet<>();
  private final Map<String, String> failedStamps = new HashMap<>();
  private volatile Consumer<ModelVersion> onRetired = v -> {};

  public ModelRepository(RepositorySettings settings, SessionSettings sessionSettings) {
    this.settings = settings;
    this.loader = new VersionLoader(sessionSettings, settings.warmupRuns());
    this.layout = new RepositoryLayout(settings);
  }

  /** Called with each retired version once its last request is answered, before it closes. */
  public void onRetired(Consumer<ModelVersion> hook) {
    this.onRetired = hook;
  }

  /**
   * Loads every version the policy selects. Failures are logged and kept (see {@link #failures()}),
   * never thrown: a bad version must not stop the others from serving.
   *
   * @throws IllegalStateException when the repository directory itself does not exist
   */
  public synchronized void loadAll() {
    scan(null);
  }

  /**
   * Brings the served table in line with the directory: loads new versions and versions whose files
   * changed (validated and warmed up before they serve), drops removed ones, keeps unchanged ones
   * as they are. A version whose new files fail to load keeps serving its old ones; the same broken
   * files are not retried until they change. Requests never fail because of a reload: the table is
   * swapped atomically and a retired version closes only when its last request is done. Models
   * {@link #unload unloaded} explicitly are skipped until {@link #load loaded} again.
   */
  public synchronized Changes reload() {
    return scan(null);
  }

  /**
   * Loads (or reloads) one model from its directory and serves it again if it was unloaded.
   *
   * @throws ScoringException NOT_FOUND when the repository has no such model directory
   */
  public synchronized Changes load(String model) {
    Path dir = modelDirectory(model);
    if (!Files.isDirectory(dir)) {
      throw ScoringException.notFound(
          "the repository has no model directory '"
              + model
              + "' (models: "
              + layout.onDisk()
              + ")");
    }
    unloaded.remove(model);
    failedStamps.keySet().removeIf(id -> id.startsWith(model + "/"));
    return scan(model);
  }

  /**
   * Stops serving every version of a model; its requests in flight finish first.
   *
   * @throws ScoringException NOT_FOUND when the model is not served
   */
  public synchronized Changes unload(String model) {
    modelDirectory(model); // a path-like name is refused as such
    Table old = table.get();
    if (!old.models.containsKey(model)) {
      throw ScoringException.notFound(
          "model '" + model + "' is not loaded (loaded: " + old.models.keySet() + ")");
    }
    unloaded.add(model);
    Map<String, Model> models = new TreeMap<>(old.models);
    models.remove(model);
    Map<String, String> failures = new TreeMap<>(old.failures);
    failures.keySet().removeIf(id -> id.startsWith(model + "/"));
    Map<String, String> stamps = new HashMap<>(old.stamps);
    stamps.keySet().removeIf(id -> id.startsWith(model + "/"));
    return swap(old, models, failures, stamps, List.of(), Map.of());
  }

  /**
   * The directory of a model directly inside the repository.
   *
   * @throws io.creditscorer.error.InvalidInputException when the name is not a plain name
   */
  public Path modelDirectory(String model) {
    return layout.modelDirectory(model);
  }

  /** Scans every model ({@code only == null}) or one, then swaps the table. */
  private Changes scan(String only) {
    Path root = settings.root();
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException(
          "model repository "
              + root.toAbsolutePath()
              + " is not a directory; set scorer.repository.path");
    }
    Table old = table.get();
    Map<String, Model> models = new TreeMap<>();
    Map<String, String> failures = new TreeMap<>();
    Map<String, String> stamps = new HashMap<>();
    if (only != null) {
      models.putAll(old.models);
      models.remove(only);
      old.failures.forEach((k, v) -> keepUnless(k, v, only, failures));
      old.stamps.forEach((k, v) -> keepUnless(k, v, only, stamps));
    }
    List<String> loadedNow = new ArrayList<>();
    Map<String, String> failedNow = new TreeMap<>();
    for (Path modelDir : RepositoryLayout.list(root)) {
      String name = modelDir.getFileName().toString();
      if ((only != null && !only.equals(name)) || (only == null && unloaded.contains(name))) {
        continue;
      }
      List<Path> versionDirs = layout.versionDirectories(modelDir);
      Model served = old.models.get(name);
      NavigableMap<String, ModelVersion> versions = new TreeMap<>(VERSION_ORDER);
      for (Path dir : versionDirs) {
        String version = dir.getFileName().toString();
        String id = name + "/" + version;
        String stamp = RepositoryLayout.stamp(dir);
        ModelVersion current = served == null ? null : served.versions.get(version);
        if (current != null && stamp.equals(old.stamps.get(id))) {
          versions.put(version, current);
          stamps.put(id, stamp);
          continue;
        }
        if (stamp.equals(failedStamps.get(id))) { // the same broken files: don't retry
          failures.put(id, old.failures.getOrDefault(id, "failed to load"));
          if (current != null) {
            versions.put(version, current);
            stamps.put(id, old.stamps.get(id));
          }
          continue;
        }
        long start = System.nanoTime();
        try {
          ModelVersion loaded = loader.load(name, version, dir);
          versions.put(version, loaded);
          stamps.put(id, stamp);
          failedStamps.remove(id);
          loadedNow.add(id);
          LOG.info(
              String.format(
                  "Loaded %s in %d ms: inputs %s, outputs %s%s",
                  loaded.id(),
                  (System.nanoTime() - start) / 1_000_000,
                  loaded.inputs(),
                  loaded.outputs(),
                  loaded.credit().isPresent() ? ", credit model" : ""));
        } catch (Exception | LinkageError e) {
          String reason =
              layout.withoutRoot(e.getMessage() == null ? e.toString() : e.getMessage());
          failedStamps.put(id, stamp);
          if (current != null) {
            versions.put(version, current); // a working version is never replaced by a broken one
            stamps.put(id, old.stamps.get(id));
            reason = "new files refused, still serving the previous ones: " + reason;
          }
          failures.put(id, reason);
          failedNow.put(id, reason);
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
    return swap(old, models, failures, stamps, loadedNow, failedNow);
  }

  private static void keepUnless(String id, String value, String model, Map<String, String> into) {
    if (!id.startsWith(model + "/")) {
      into.put(id, value);
    }
  }

  /** Publishes the new table, then retires every version it no longer serves. */
  private Changes swap(
      Table old,
      Map<String, Model> models,
      Map<String, String> failures,
      Map<String, String> stamps,
      List<String> loaded,
      Map<String, String> failed) {
    table.set(
        new Table(
            Collections.unmodifiableMap(models),
            Collections.unmodifiableMap(failures),
            Map.copyOf(stamps),
            true));
    List<String> retired = new ArrayList<>();
    for (Model m : old.models.values()) {
      for (ModelVersion v : m.versions.values()) {
        Model now = models.get(m.name);
        if (now == null || now.versions.get(v.version()) != v) {
          retired.add(v.id());
          v.model().retire(() -> onRetired.accept(v));
        }
      }
    }
    if (!retired.isEmpty()) {
      LOG.info("Retired " + retired + "; each closes when its last request is answered");
    }
    return new Changes(List.copyOf(loaded), List.copyOf(retired), Map.copyOf(failed));
  }

  public RepositorySettings settings() {
    return settings;
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
    closeAll(table.getAndSet(new Table(Map.of(), Map.of(), Map.of(), false)));
  }

  /**
   * One line of the repository index.
   *
   * @param state {@code READY} (served), {@code UNAVAILABLE} (failed to load, not served) or {@code
   *     UNLOADED} (unloaded through the control API; version empty)
   * @param reason why not ready, or why newer files were refused while the old ones serve
   */
  public record IndexEntry(String name, String version, String state, String reason) {}

  /** Every model and version on disk or served, in name and version order. */
  public synchronized List<IndexEntry> index() {
    Table t = table.get();
    List<IndexEntry> out = new ArrayList<>();
    Set<String> listed = new HashSet<>();
    for (Model m : t.models.values()) {
      for (String v : m.versions.keySet()) {
        out.add(new IndexEntry(m.name, v, "READY", t.failures.getOrDefault(m.name + "/" + v, "")));
        listed.add(m.name + "/" + v);
      }
    }
    t.failures.forEach(
        (id, reason) -> {
          if (listed.add(id)) {
            int slash = id.indexOf('/');
            out.add(
                new IndexEntry(
                    id.substring(0, slash), id.substring(slash + 1), "UNAVAILABLE", reason));
          }
        });
    for (String m : unloaded) {
      out.add(new IndexEntry(m, "", "UNLOADED", "unloaded through the model-control API"));
    }
    out.sort(
        Comparator.comparing(IndexEntry::name).thenComparing(IndexEntry::version, VERSION_ORDER));
    return out;
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
