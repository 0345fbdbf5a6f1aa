package io.creditscorer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar as a process: SIGTERM under load turns readiness DOWN while requests are still
 * answered, then the process stops without answering any request with an error status.
 */
class GracefulShutdownIT {

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void sigtermTurnsReadinessDownFirstAndNoRequestGetsAnErrorStatus() throws Exception {
    int port = freePort();
    int management = freePort();
    Path log = Files.createTempFile("shutdown-it", ".log");
    Process service =
        new ProcessBuilder(
                "java",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.grpc.server.port=" + freePort(),
                "-Dquarkus.management.port=" + management,
                "-Dquarkus.shutdown.delay=2s",
                "-Dquarkus.shutdown.timeout=10s",
                "-Dscorer.repository.poll-interval=0s",
                "-Dscorer.audit.path=target/shutdown-it/decisions.log",
                "-jar",
                "target/quarkus-app/quarkus-run.jar")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI ready = URI.create("http://127.0.0.1:" + management + "/q/health/ready");
    try {
      await("the service becomes ready; see " + log)
          .atMost(Duration.ofMinutes(1))
          .until(() -> statusOf(client, ready) == 200);

      List<Map<String, Object>> applicants = new ArrayList<>();
      Arff arff = Arff.read(Path.of("data/credit-g.arff"));
      for (int i = 0; i < 100; i++) {
        applicants.add(TrainCreditModels.applicant(arff.rows().get(i)));
      }
      String body =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .writeValueAsString(Map.of("applicants", applicants));
      HttpRequest score =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/credit/score"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();

      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong notReadyAt = new AtomicLong(Long.MAX_VALUE);
      AtomicLong answeredWhileNotReady = new AtomicLong();
      Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
      List<Thread> clients = new CopyOnWriteArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread c =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    try {
                      int s =
                          client.send(score, HttpResponse.BodyHandlers.discarding()).statusCode();
                      statuses.computeIfAbsent(s, k -> new AtomicLong()).incrementAndGet();
                      if (s == 200 && System.nanoTime() > notReadyAt.get()) {
                        answeredWhileNotReady.incrementAndGet();
                      }
                    } catch (IOException closed) {
                      // the server has stopped listening: a refused or closed connection
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
        c.start();
        clients.add(c);
      }
      await("every client has been answered").until(() -> statuses.containsKey(200));
      service.destroy(); // SIGTERM
      await("readiness turns DOWN after SIGTERM; see " + log)
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> statusOf(client, ready) == 503);
      notReadyAt.set(System.nanoTime());
      assertTrue(service.waitFor(60, TimeUnit.SECONDS), "the service stopped; see " + log);
      stop.set(true);
      for (Thread c : clients) {
        c.join(10_000);
      }
      assertTrue(
          answeredWhileNotReady.get() > 0,
          "requests were still answered while not ready: " + statuses);
      assertEquals(
          Map.of(200, statuses.get(200).get()),
          Map.of(200, statuses.values().stream().mapToLong(AtomicLong::get).sum()),
          "every answer was 200: " + statuses);
    } finally {
      service.destroyForcibly();
    }
  }

  static int statusOf(HttpClient client, URI uri) throws InterruptedException {
    try {
      return client
          .send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException notListening) {
      return -1;
    }
  }
}
