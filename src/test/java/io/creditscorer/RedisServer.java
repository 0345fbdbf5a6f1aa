package io.creditscorer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real {@code redis-server} for tests, from the binary on PATH (Debian: {@code apt-get install
 * redis-server}), on a free loopback port with a temporary directory and no persistence. Can be
 * stopped and started again on the same port, to test outages.
 */
public final class RedisServer implements AutoCloseable {

  private final int port;
  private final Path dir;
  private Process process;

  public RedisServer() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
    this.dir = Files.createTempDirectory("redis-test");
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server and waits until it answers PING. */
  public RedisServer start() throws IOException, InterruptedException {
    try {
      process =
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--dir",
                  dir.toString(),
                  "--save",
                  "",
                  "--appendonly",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
    } catch (IOException e) {
      throw new IOException(
          "redis-server is not on PATH; install it with: apt-get install -y redis-server", e);
    }
    Awaitility.await("redis-server on port " + port + " answers PING")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(this::answersPing);
    return this;
  }

  private boolean answersPing() throws IOException {
    if (!process.isAlive()) {
      throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
    }
    try {
      return command("PING").contains("PONG");
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Stops the server (its data is gone: no persistence). */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Sends one inline command and returns the raw reply (enough for PING, DBSIZE, SET, DEL). */
  public String command(String inline) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[1 << 16];
      int n = in.read(buf);
      return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
