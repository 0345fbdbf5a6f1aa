package io.creditscorer;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link RedisServer} and a Vert.x instance for a test class's Redis clients, started before
 * its tests and stopped after them: {@code @RegisterExtension static final RedisExtension REDIS =
 * new RedisExtension();}.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {

  private RedisServer server;
  private Vertx vertx;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = new RedisServer().start();
    vertx = Vertx.vertx();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
    server.close();
  }

  public RedisServer server() {
    return server;
  }

  public String url() {
    return server.url();
  }

  public Vertx vertx() {
    return vertx;
  }
}
