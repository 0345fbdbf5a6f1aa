package io.creditscorer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/** Points every {@code @QuarkusTest} at a repository built by {@link TestModels}. */
public class TestRepositoryResource implements QuarkusTestResourceLifecycleManager {

  public static final Path ROOT = Path.of("target/test-repository");
  public static final long MAX_BODY_BYTES = 1 << 20;

  @Override
  public Map<String, String> start() {
    try {
      TestModels.writeRepository(ROOT);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Map.of(
        "scorer.repository.path", ROOT.toString(),
        "scorer.http.max-body-bytes", Long.toString(MAX_BODY_BYTES),
        "scorer.inference.max-request-rows", "512");
  }

  @Override
  public void stop() {}
}
