package io.creditscorer.features;

import io.creditscorer.base.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The embedded store: a snapshot file held in memory, loaded once at start-up, so the service needs
 * no external system. Lookups complete at once. Immutable after loading.
 */
public final class SnapshotFeatureStore implements FeatureStore {

  private final Path file;
  private final Map<String, StoredApplicant> applicants;

  private SnapshotFeatureStore(Path file, Map<String, StoredApplicant> applicants) {
    this.file = file;
    this.applicants = applicants;
  }

  /**
   * @throws IOException naming the file and line of a malformed entry
   */
  public static SnapshotFeatureStore load(Path file, Ticker ticker) throws IOException {
    long now = ticker.read();
    Map<String, StoredApplicant> applicants = new HashMap<>();
    FeatureSnapshot.forEach(
        file, (id, fields) -> applicants.put(id, new StoredApplicant(id, fields, now)));
    return new SnapshotFeatureStore(file, Map.copyOf(applicants));
  }

  public int size() {
    return applicants.size();
  }

  @Override
  public CompletableFuture<Map<String, StoredApplicant>> lookup(Collection<String> ids) {
    Map<String, StoredApplicant> found = new HashMap<>(ids.size() * 2);
    for (String id : ids) {
      StoredApplicant a = applicants.get(id);
      if (a != null) {
        found.put(id, a);
      }
    }
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public String describe() {
    return "snapshot (" + applicants.size() + " applicants)"; // no host path in public answers
  }
}
