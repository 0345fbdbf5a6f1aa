package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.creditscorer.HaProxy;
import io.creditscorer.PackagedService;
import io.creditscorer.RedisServer;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged replicas behind a real HAProxy (round-robin), sharing one real Redis for their
 * decision store and audit stream, as two pods behind a Service: the 1,000 German Credit applicants
 * are scored through the balancer, then their outcomes reported through it while one replica is
 * killed half-way. Every outcome is accepted wherever its decision was made, nothing accepted is
 * lost, every replica reports the realised figures of an independent computation over all pairs,
 * and every decision's audit record is in the shared stream.
 */
class ReplicasIT {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final int BATCH = 50;
  private static final String RECORDED_BEFORE_RETRY = "recorded by an attempt before the retry";

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void twoReplicasShareDecisionsOutcomesFiguresAndTheAuditTrail() throws Exception {
    Arff arff = Arff.read(Path.of("data/credit-g.arff"));
    int n = arff.rows().size();
    try (RedisServer redis = new RedisServer().start()) {
      List<String> options =
          List.of(
              "-Dscorer.feedback.store.type=redis",
              "-Dscorer.feedback.redis.url=" + redis.url(),
              "-Dscorer.audit.sink=redis-stream",
              "-Dscorer.feedback.refresh-interval=200ms");
      PackagedService a = new PackagedService(dir.resolve("a"), options).start();
      try (PackagedService b = new PackagedService(dir.resolve("b"), options).start();
          HaProxy balancer = HaProxy.start(dir.resolve("haproxy"), List.of(a, b))) {
        double[] pd = new double[n];
        boolean[] bad = new boolean[n];
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
          List<Future<?>> scored = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            int row = i;
            bad[row] = "bad".equals(arff.rows().get(row).get("class"));
            scored.add(pool.submit(() -> pd[row] = score(balancer.uri("/"), arff, row)));
          }
          for (Future<?> f : scored) {
            f.get();
          }
          assertTrue(decisions(a) > 0 && decisions(b) > 0, "both replicas scored");
          for (PackagedService replica : List.of(a, b)) {
            Awaitility.await("every decision written to Redis")
                .atMost(Duration.ofSeconds(10))
                .until(() -> metric(replica, "scorer_decision_store_pending") == 0);
          }

          // Outcomes in batches through the balancer, two at a time; replica a is killed once
          // half of them are answered. A batch that fails (its replica died under it) is sent
          // again, as a client would.
          List<Future<Map<String, Integer>>> reported = new ArrayList<>();
          for (int from = 0; from < n; from += BATCH) {
            int start = from;
            reported.add(pool.submit(() -> report(balancer.uri("/"), start, bad)));
          }
          for (int k = 0; k < reported.size() / 2; k++) {
            reported.get(k).get();
          }
          a.kill();
          Map<String, Integer> results = new HashMap<>();
          for (Future<Map<String, Integer>> f : reported) {
            f.get().forEach((result, count) -> results.merge(result, count, Integer::sum));
          }
          assertEquals(
              n,
              results.getOrDefault("accepted", 0) + results.getOrDefault(RECORDED_BEFORE_RETRY, 0),
              "every outcome accepted once, none unknown: " + results);
        } finally {
          pool.shutdownNow();
        }

        // Replica a comes back: both compute the same figures from the shared store, those of all
        // the pairs, computed here independently.
        PackagedService again = new PackagedService(dir.resolve("a-again"), options).start();
        try (again) {
          JsonNode figuresB = figures(b, n);
          JsonNode figuresA = figures(again, n);
          assertEquals(withoutTime(figuresB), withoutTime(figuresA));
          assertEquals(n, figuresA.get("outcomes_stored").asInt(), "no accepted outcome lost");
          assertEquals(OutcomeReplay.pairwiseAuc(pd, bad), figuresA.get("auc").asDouble(), 1e-12);
          assertEquals(OutcomeReplay.brier(pd, bad), figuresA.get("brier").asDouble(), 1e-12);
        }
        assertEquals(allRequestIds(n), auditedRequestIds(redis), "every decision audited");
        assertEquals(allRequestIds(n), archivedRequestIds(redis), "the archiver has them all");
      } finally {
        a.close();
      }
    }
  }

  /** Scores one applicant; returns its probability of default, read exactly as the float sent. */
  private double score(URI balancer, Arff arff, int row) throws Exception {
    Map<String, Object> applicant = TrainCreditModels.applicant(arff.rows().get(row));
    applicant.put("applicant_id", "applicant-" + row);
    JsonNode answer =
        post(
            balancer.resolve("/v1/credit/score"),
            Map.of("request_id", "request-" + row, "applicants", List.of(applicant)));
    return answer.get("results").get(0).get("probability_of_default").decimalValue().floatValue();
  }

  /** Reports a batch's outcomes until a replica answers it; returns its results' counts. */
  private Map<String, Integer> report(URI balancer, int from, boolean[] bad) throws Exception {
    List<Map<String, Object>> outcomes = new ArrayList<>();
    for (int row = from; row < Math.min(bad.length, from + BATCH); row++) {
      outcomes.add(
          Map.of(
              "request_id",
              "request-" + row,
              "defaulted",
              bad[row],
              "observed_at",
              Instant.now().toString()));
    }
    AtomicInteger attempts = new AtomicInteger();
    JsonNode reply =
        Awaitility.await("a replica answers the outcomes from row " + from)
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptionsInstanceOf(IOException.class)
            .until(
                () -> {
                  attempts.incrementAndGet();
                  return post(
                      balancer.resolve("/v1/credit/outcomes"), Map.of("outcomes", outcomes));
                },
                r -> r != null);
    Map<String, Integer> counts = new HashMap<>();
    reply
        .get("counts")
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().asInt() > 0) {
                // A retried batch's outcomes may have been recorded by the attempt whose answer
                // was lost with its replica: the retry then finds them recorded.
                boolean retried = attempts.get() > 1 && e.getKey().equals("duplicate");
                counts.put(retried ? RECORDED_BEFORE_RETRY : e.getKey(), e.getValue().asInt());
              }
            });
    return counts;
  }

  /** The answer of a POST, or {@code null} when it was not a 200 (a replica died under it). */
  private JsonNode post(URI uri, Object body) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
  }

  /** The replica's figures for the served version, once its window holds {@code n} outcomes. */
  private JsonNode figures(PackagedService replica, int n) {
    return Awaitility.await("the replica's window holds every outcome")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode doc =
                  JSON.readTree(
                      http.send(
                              HttpRequest.newBuilder(replica.uri("/v1/credit/performance")).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body());
              for (JsonNode v : doc.get("versions")) {
                if (v.get("outcomes").asInt() == n) {
                  return v;
                }
              }
              return null;
            },
            v -> v != null);
  }

  private static JsonNode withoutTime(JsonNode version) {
    ObjectNode copy = version.deepCopy();
    copy.remove("as_of");
    return copy;
  }

  private double decisions(PackagedService replica) throws Exception {
    return metric(replica, "scorer_decisions_total");
  }

  /** The sum of a metric's series on the replica's Prometheus page. */
  private double metric(PackagedService replica, String name) throws Exception {
    String page =
        http.send(
                HttpRequest.newBuilder(replica.uri("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : page.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static Set<String> allRequestIds(int n) {
    Set<String> ids = new HashSet<>();
    for (int row = 0; row < n; row++) {
      ids.add("request-" + row);
    }
    return ids;
  }

  /**
   * Runs the example archiver ({@code loadtest/audit-archive.sh --once}); returns the request ids
   * of the records it archived, each record id once, and checks it trimmed the stream.
   */
  private Set<String> archivedRequestIds(RedisServer redis) throws Exception {
    Path archive = dir.resolve("audit-archive.jsonl");
    Process p =
        new ProcessBuilder(
                "bash", "loadtest/audit-archive.sh", "--once", redis.url(), archive.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("audit-archive.log").toFile())
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "the archiver ran");
    Set<String> recordIds = new HashSet<>();
    Set<String> requestIds = new HashSet<>();
    for (String line : java.nio.file.Files.readAllLines(archive)) {
      JsonNode record = JSON.readTree(line);
      assertTrue(recordIds.add(record.get("record_id").asText()), "each record once: " + line);
      requestIds.add(record.get("request_id").asText());
    }
    assertTrue(redis.command("XLEN credit-scorer:audit").startsWith(":1\r"), "trimmed");
    return requestIds;
  }

  /** The request ids of the audit stream's records (read with a Redis client of the test's). */
  private static Set<String> auditedRequestIds(RedisServer redis) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Redis client = Redis.createClient(vertx, redis.url());
      Response entries =
          client
              .send(Request.cmd(Command.XRANGE).arg("credit-scorer:audit").arg("-").arg("+"))
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      Set<String> ids = new HashSet<>();
      for (Response entry : entries) {
        JsonNode record = JSON.readTree(entry.get(1).get(1).toString());
        assertEquals("audit", record.get("type").asText());
        ids.add(record.get("request_id").asText());
      }
      client.close();
      return ids;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
