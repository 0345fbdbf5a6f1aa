package io.creditscorer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/** Points every {@code @QuarkusTest} at a repository built by {@link TestModels}. */
public class TestRepositoryResource implements QuarkusTestResourceLifecycleManager {

  public static final Path ROOT = Path.of("target/test-repository");
  public static final long MAX_BODY_BYTES = 1 << 20;

  /** The tests run with a configured policy: the descriptor's thresholds plus an amount rule. */
  public static final String POLICY_VERSION = "test-policy-2";

  public static final double MAX_AUTO_APPROVE = 20_000;
  public static final Path AUDIT_LOG = Path.of("target/test-audit/decisions.log");
  public static final String ADMIN_KEY = "test-admin-key-0123456789";
  public static final String VIEWER_KEY = "test-viewer-key-0123456789";

  /** The decision store starts empty for every test run. */
  public static final Path FEEDBACK_STORE = Path.of("target/test-feedback");

  @Override
  public Map<String, String> start() {
    try {
      TestModels.writeRepository(ROOT);
      TestModels.deleteRecursively(FEEDBACK_STORE);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Map.of(
        "scorer.control.admin-keys",
        ADMIN_KEY,
        "scorer.control.viewer-keys",
        VIEWER_KEY,
        "scorer.repository.path",
        ROOT.toString(),
        "scorer.feedback.store.path",
        FEEDBACK_STORE.toString(),
        "scorer.feedback.refresh-interval",
        "100ms",
        "scorer.http.max-body-bytes",
        Long.toString(MAX_BODY_BYTES),
        "scorer.inference.max-request-rows",
        "512",
        "scorer.credit.policy.version",
        POLICY_VERSION,
        "scorer.credit.policy.max-auto-approve-amount",
        Double.toString(MAX_AUTO_APPROVE),
        "scorer.audit.path",
        AUDIT_LOG.toString());
  }

  @Override
  public void stop() {}
}
