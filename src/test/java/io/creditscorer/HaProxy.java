package io.creditscorer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real HAProxy (Debian: {@code apt-get install haproxy}) on a free loopback port, balancing
 * round-robin over the REST ports of packaged services, each health-checked on its readiness
 * ({@code /q/health/ready} on its management port) every 500 ms, as a Kubernetes Service with a
 * readiness probe would. A connection refused by a dead server is retried on another.
 */
public final class HaProxy implements AutoCloseable {

  private final int port;
  private final Process process;

  private HaProxy(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Starts HAProxy in front of {@code services} and waits until it forwards a request. */
  public static HaProxy start(Path dir, List<PackagedService> services) throws IOException {
    int port = PackagedService.freePort();
    StringBuilder cfg =
        new StringBuilder(
            """
            global
              maxconn 512
            defaults
              mode http
              timeout connect 1s
              timeout client 30s
              timeout server 30s
              retries 3
              option redispatch
            frontend scorer
              bind 127.0.0.1:%d
              default_backend replicas
            backend replicas
              balance roundrobin
              option httpchk GET /q/health/ready
              timeout check 2s
              default-server inter 500ms fall 2 rise 2
            """
                .formatted(port));
    for (int i = 0; i < services.size(); i++) {
      URI rest = services.get(i).uri("/");
      URI management = services.get(i).uri("/q/");
      cfg.append(
          "  server r%d 127.0.0.1:%d check port %d%n"
              .formatted(i, rest.getPort(), management.getPort()));
    }
    Files.createDirectories(dir);
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), cfg);
    Process process;
    try {
      process =
          new ProcessBuilder(binary(), "-f", file.toString(), "-db")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("haproxy.log").toFile())
              .start();
    } catch (IOException e) {
      throw new IOException(
          "haproxy is not installed; install it with: apt-get install -y haproxy", e);
    }
    HaProxy proxy = new HaProxy(port, process);
    HttpClient http = HttpClient.newHttpClient();
    Awaitility.await("haproxy forwards to a replica; see " + dir.resolve("haproxy.log"))
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "haproxy exited: " + Files.readString(dir.resolve("haproxy.log")));
              }
              try {
                return http.send(
                            HttpRequest.newBuilder(proxy.uri("/v2/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200;
              } catch (IOException notYet) {
                return false;
              }
            });
    return proxy;
  }

  /** {@code haproxy} on PATH, or where Debian puts it ({@code /usr/sbin}, not on every PATH). */
  private static String binary() {
    Path sbin = Path.of("/usr/sbin/haproxy");
    return Files.isExecutable(sbin) ? sbin.toString() : "haproxy";
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
