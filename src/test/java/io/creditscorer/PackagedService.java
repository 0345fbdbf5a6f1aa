package io.creditscorer;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a process of its own, on
 * free ports, with its audit log and decision store in a folder of the test's: started and waited
 * for until ready, measured (resident memory, disk), stopped with SIGTERM or killed.
 */
public final class PackagedService implements AutoCloseable {

  public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  private final Path dir;
  private final List<String> options;
  private final int httpPort;
  private final int grpcPort;
  private final int managementPort;
  private final Path log;
  private Process process;

  /**
   * @param dir the service's state (audit log, decision store) and its log file
   * @param options extra {@code -D} options
   */
  public PackagedService(Path dir, List<String> options) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.options = List.copyOf(options);
    int[] ports = freePorts(3);
    this.httpPort = ports[0];
    this.grpcPort = ports[1];
    this.managementPort = ports[2];
    this.log = dir.resolve("service.log");
  }

  public static int freePort() throws IOException {
    return freePorts(1)[0];
  }

  /**
   * Free ports, none twice: each stays bound until all are found, as two ports asked for one after
   * the other may be the same.
   */
  public static int[] freePorts(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        held.add(new ServerSocket(0));
      }
      return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  /** Starts the process and waits until it reports ready (at most a minute). */
  public PackagedService start() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    // After a full collection the heap shrinks back to what is live (plus 30 %).
    command.add("-XX:MaxHeapFreeRatio=30");
    command.add("-XX:MinHeapFreeRatio=10");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-Dquarkus.http.port=" + httpPort);
    command.add("-Dquarkus.grpc.server.port=" + grpcPort);
    command.add("-Dquarkus.management.port=" + managementPort);
    command.add("-Dquarkus.shutdown.delay=0s");
    command.add("-Dscorer.repository.poll-interval=0s");
    command.add("-Dscorer.audit.path=" + dir.resolve("audit/decisions.log"));
    command.add("-Dscorer.feedback.store.path=" + dir.resolve("feedback"));
    command.addAll(options);
    command.add("-jar");
    command.add(JAR.toString());
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    HttpClient client = HttpClient.newHttpClient();
    await("the service is ready; see " + log)
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "the service exited; the end of " + log + ":\n" + tail(log, 30));
              }
              return status(client, "/q/health/ready") == 200;
            });
    return this;
  }

  /**
   * The last {@code n} lines of a file (its temporary folder may be gone when a report is read).
   */
  static String tail(Path file, int n) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /**
   * The status of a GET: on the management port for {@code /q/} paths (health, metrics), else on
   * the REST port; -1 when nothing answers.
   */
  public int status(HttpClient client, String path) throws InterruptedException {
    try {
      return client
          .send(
              HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException notListening) {
      return -1;
    }
  }

  public URI uri(String path) {
    int port = path.startsWith("/q/") ? managementPort : httpPort;
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public int grpcPort() {
    return grpcPort;
  }

  public Path log() {
    return log;
  }

  /** Resident memory of the process in bytes, from {@code /proc}. */
  public long residentBytes() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for " + process.pid());
  }

  /**
   * A full collection in the service ({@code jcmd GC.run}), which also gives unused heap back to
   * the operating system, then the C library's free memory given back too ({@code
   * System.trim_native_heap}): resident memory then shows what is kept, not garbage yet to collect
   * or memory the allocator holds on to.
   */
  public void collectGarbage() throws IOException, InterruptedException {
    jcmd("GC.run");
    jcmd("System.trim_native_heap");
  }

  private void jcmd(String command) throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()),
                command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!jcmd.waitFor(1, TimeUnit.MINUTES) || jcmd.exitValue() != 0) {
      throw new IOException("jcmd " + command + " failed for " + process.pid());
    }
  }

  /** Bytes the service's state (audit log, decision store) takes on disk. */
  public long stateBytes() throws IOException {
    long total = 0;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (!f.equals(log)) {
          total += Files.size(f);
        }
      }
    }
    return total;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, and the exit code once it has stopped (at most a minute). */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(1, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the service did not stop within a minute; see " + log);
    }
    return process.exitValue();
  }

  /** SIGKILL: the process gets no chance to flush or close anything. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(1, TimeUnit.MINUTES);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
