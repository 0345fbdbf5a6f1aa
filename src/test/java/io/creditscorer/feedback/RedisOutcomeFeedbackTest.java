package io.creditscorer.feedback;

import io.creditscorer.RedisExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every outcome-feedback test again, on the shared store in a real Redis. Redis "fails" by stopping
 * (after a save, so its data comes back with it).
 */
class RedisOutcomeFeedbackTest extends OutcomeFeedbackTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  /** Each test its own keys; a restart within a test keeps them. */
  final String prefix = "test:" + UUID.randomUUID() + ":";

  @Override
  DecisionStore store() {
    return new RedisDecisionStore(
        REDIS.vertx(),
        REDIS.url(),
        prefix,
        1000,
        Duration.ofDays(400),
        Duration.ofSeconds(2),
        clock);
  }

  @Override
  void breakStore() throws Exception {
    REDIS.server().command("SAVE");
    REDIS.server().stop();
  }

  @Override
  void repairStore() throws Exception {
    REDIS.server().start();
  }
}
