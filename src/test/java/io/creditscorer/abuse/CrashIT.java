package io.creditscorer.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.PackagedService;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} while outcomes are being reported: every outcome the service answered {@code
 * accepted} is there after the restart (reporting it again is a {@code duplicate}).
 */
class CrashIT {

  static final int DECISIONS = 400;
  static final int CLIENTS = 4;
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyAcceptedOutcomeSurvivesAKill() throws Exception {
    Path dir = Path.of("target/crash-it");
    io.creditscorer.TestModels.deleteRecursively(dir);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Map<String, Boolean> accepted = new ConcurrentHashMap<>();
    try (PackagedService service = new PackagedService(dir, List.of()).start()) {
      for (int i = 0; i < DECISIONS; i++) {
        HttpResponse<String> r =
            post(
                http,
                service,
                "/v1/credit/score",
                Bodies.credit("crash-" + i, Bodies.applicant("C" + i)));
        assertEquals(200, r.statusCode(), r.body());
      }
      // Report outcomes from several clients; kill the service once a quarter are in.
      AtomicInteger next = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        running.add(
            clients.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < DECISIONS; i = next.getAndIncrement()) {
                    boolean defaulted = i % 3 == 0;
                    try {
                      HttpResponse<String> r =
                          post(
                              http,
                              service,
                              "/v1/credit/outcomes",
                              outcome("crash-" + i, defaulted));
                      if (r.statusCode() == 200
                          && "accepted"
                              .equals(JSON.readTree(r.body()).at("/results/0/result").asText())) {
                        accepted.put("crash-" + i, defaulted);
                      }
                    } catch (Exception killed) {
                      return; // the service is gone
                    }
                  }
                  return;
                }));
      }
      org.awaitility.Awaitility.await().until(() -> accepted.size() >= DECISIONS / 4);
      service.kill();
      for (Future<?> f : running) {
        f.get();
      }
      clients.shutdown();
      assertTrue(accepted.size() >= DECISIONS / 4);

      service.start();
      for (Map.Entry<String, Boolean> e : accepted.entrySet()) {
        HttpResponse<String> r =
            post(http, service, "/v1/credit/outcomes", outcome(e.getKey(), e.getValue()));
        JsonNode result = JSON.readTree(r.body()).at("/results/0");
        assertEquals(
            "duplicate",
            result.path("result").asText(),
            e.getKey() + " was answered accepted before the kill: " + r.body());
      }
    }
  }

  static String outcome(String requestId, boolean defaulted) {
    return "{\"outcomes\":[{\"request_id\":\""
        + requestId
        + "\",\"defaulted\":"
        + defaulted
        + ",\"observed_at\":\""
        + java.time.Instant.now()
        + "\"}]}";
  }

  static HttpResponse<String> post(
      HttpClient http, PackagedService service, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(service.uri(path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
