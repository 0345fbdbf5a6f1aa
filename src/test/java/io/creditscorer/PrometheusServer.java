package io.creditscorer;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (the {@code prometheus} binary on PATH) on a free port, scraping every second,
 * with its configuration, data and log in a folder of the test's.
 */
public final class PrometheusServer implements AutoCloseable {

  private final Process process;
  private final int port;

  private PrometheusServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts Prometheus with the given {@code scrape_configs} entries (YAML, each starting with
   * {@code - job_name:}, indented two spaces) and extra flags.
   */
  public static PrometheusServer start(Path dir, String scrapeConfigs, String... flags)
      throws IOException {
    Files.writeString(
        dir.resolve("prometheus.yml"),
        "global:\n  scrape_interval: 1s\nscrape_configs:\n" + scrapeConfigs);
    int port = PackagedService.freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                "prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port));
    command.addAll(List.of(flags));
    try {
      return new PrometheusServer(
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start(),
          port);
    } catch (IOException e) {
      return fail("prometheus is not on PATH; install it with: apt-get install -y prometheus", e);
    }
  }

  /** A job scraping the metrics endpoint at {@code authority} ({@code host:port}). */
  public static String job(String name, String authority) {
    return """
          - job_name: %s
            metrics_path: /q/metrics
            static_configs:
              - targets: ["%s"]
        """
        .formatted(name, authority);
  }

  /** The HTTP API's base URL. */
  public String base() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
