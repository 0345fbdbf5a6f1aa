package io.creditscorer.feedback;

import io.creditscorer.RedisServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every outcome-feedback test again, on the shared store in a real Redis. Redis "fails" by stopping
 * (after a save, so its data comes back with it).
 */
class RedisOutcomeFeedbackTest extends OutcomeFeedbackTest {

  static RedisServer redis;
  static Vertx vertx;

  /** Each test its own keys; a restart within a test keeps them. */
  final String prefix = "test:" + UUID.randomUUID() + ":";

  @BeforeAll
  static void startRedis() throws Exception {
    redis = new RedisServer().start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
    redis.close();
  }

  @Override
  DecisionStore store() {
    return new RedisDecisionStore(
        vertx, redis.url(), prefix, 1000, Duration.ofDays(400), Duration.ofSeconds(2), clock);
  }

  @Override
  void breakStore() throws Exception {
    redis.command("SAVE");
    redis.stop();
  }

  @Override
  void repairStore() throws Exception {
    redis.start();
  }
}
