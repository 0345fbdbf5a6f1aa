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
 * A real HAProxy (Debian: {@code apt-get install haproxy}) on a free loopback port in front of
 * packaged services, configured by {@code loadtest/haproxy.cfg}: round-robin, each replica checked
 * on its readiness, a connection a dead replica refuses retried on another.
 */
public final class HaProxy implements AutoCloseable {

  /** The configuration {@code loadtest/cluster.sh} uses too. */
  static final Path TEMPLATE = Path.of("loadtest/haproxy.cfg");

  private final int port;
  private final Process process;

  private HaProxy(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Starts HAProxy in front of {@code services} and waits until it forwards a request. */
  public static HaProxy start(Path dir, List<PackagedService> services) throws IOException {
    int port = PackagedService.freePort();
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < services.size(); i++) {
      servers.append(
          "  server r%d 127.0.0.1:%d check port %d%n"
              .formatted(
                  i, services.get(i).uri("/").getPort(), services.get(i).uri("/q/").getPort()));
    }
    String cfg =
        Files.readString(TEMPLATE)
            .replace("@PORT@", Integer.toString(port))
            .replace("@SERVERS@", servers);
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
