package io.creditscorer.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.creditscorer.security.AuthSettings;
import io.smallrye.context.SmallRyeThreadContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a real Vert.x router and HTTP server, with handlers where Quarkus puts its authentication
 * (-200) and authorization (-100) and where the REST resources run (0): what thread context each
 * sees.
 */
class AuthChainContextsTest {

  private Vertx vertx;
  private HttpServer server;
  private final Map<String, String> seen = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void securityHandlersCaptureNothingAndTheRestRunsWithTheDefault() throws Exception {
    get(serve(true));

    assertEquals("captures nothing", seen.get("authentication"));
    assertEquals("captures nothing", seen.get("authorization"));
    assertEquals("default", seen.get("resource"));
  }

  @Test
  void theEventLoopIsLeftAsItWasFound() throws Exception {
    int port = serve(true);
    get(port);
    get(port); // the second request's "before" sees what the first left behind

    assertEquals("default", seen.get("before"));
  }

  @Test
  void withAuthenticationOffNothingIsInstalled() throws Exception {
    get(serve(false));

    assertEquals("default", seen.get("authentication"));
    assertEquals("default", seen.get("authorization"));
    assertEquals("default", seen.get("resource"));
  }

  private int serve(boolean enabled) {
    Router router = Router.router(vertx);
    new AuthChainContexts(settings(enabled)).install(router);
    router.route().order(-200).handler(rc -> record("authentication", rc::next));
    router.route().order(-100).handler(rc -> record("authorization", rc::next));
    router.route().handler(rc -> record("resource", () -> rc.response().end("ok")));
    server =
        vertx
            .createHttpServer()
            .requestHandler(request -> record("before", () -> router.handle(request)))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    return server.actualPort();
  }

  private void record(String where, Runnable then) {
    SmallRyeThreadContext current = SmallRyeThreadContext.getCurrentThreadContext();
    seen.put(
        where,
        current == null ? "default" : current.isEmpty() ? "captures nothing" : "another context");
    then.run();
  }

  private static void get(int port) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/credit/score"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
  }

  private static AuthSettings settings(boolean enabled) {
    return new AuthSettings() {
      @Override
      public boolean enabled() {
        return enabled;
      }

      @Override
      public TokenCache tokenCache() {
        return null;
      }

      @Override
      public Failures failures() {
        return null;
      }
    };
  }
}
