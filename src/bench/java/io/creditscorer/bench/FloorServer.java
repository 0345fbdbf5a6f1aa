package io.creditscorer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor for HTTP benchmarks: a bare Vert.x server (the same HTTP stack Quarkus runs on) that
 * reads the request body and answers fixed bytes — the service's own V2 answer — with no parsing,
 * no model and no framework.
 *
 * <p>Usage: {@code FloorServer <port> <response-file>}
 */
public final class FloorServer {

  private FloorServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Buffer response = Buffer.buffer(Files.readAllBytes(Path.of(args[1])));
    Vertx vertx = Vertx.vertx();
    vertx
        .createHttpServer()
        .requestHandler(
            request ->
                request
                    .body()
                    .onSuccess(
                        body ->
                            request
                                .response()
                                .putHeader("content-type", "application/json")
                                .end(response)))
        .listen(port)
        .onSuccess(s -> System.out.println("floor listening on " + s.actualPort()))
        .onFailure(
            e -> {
              e.printStackTrace();
              System.exit(1);
            });
  }
}
