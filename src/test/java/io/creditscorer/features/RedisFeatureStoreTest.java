package io.creditscorer.features;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.creditscorer.Management;
import io.creditscorer.RedisServer;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The service with Redis as its feature store: id-only scoring through the near-cache, and Redis
 * stopped and started again under it.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
@QuarkusTestResource(value = RedisFeatureStoreTest.WithRedis.class, restrictToAnnotatedClass = true)
class RedisFeatureStoreTest {

  /** Starts redis-server, loads the shipped snapshot and points the service at it. */
  public static class WithRedis implements QuarkusTestResourceLifecycleManager {
    static RedisServer server;

    @Override
    public Map<String, String> start() {
      try {
        server = new RedisServer().start();
        load();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return Map.of(
          "scorer.features.store", "redis",
          "scorer.features.redis.url", server.url(),
          "scorer.features.redis.timeout", "500ms",
          "scorer.features.redis.circuit-window", "4",
          "scorer.features.redis.circuit-open-for", "300ms");
    }

    static void load() throws Exception {
      Vertx vertx = Vertx.vertx();
      Redis client =
          Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()));
      try {
        new FeatureLoader(client, "applicant:", 500)
            .load(Path.of("data/applicants.jsonl"), line -> {});
      } finally {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }

    @Override
    public void stop() {
      try {
        server.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static Response score(Object applicant) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("applicants", List.of(applicant)))
        .post("/v1/credit/score?version=2");
  }

  static List<Float> probabilities(List<Map<String, Object>> applicants) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("applicants", applicants))
        .post("/v1/credit/score?version=2")
        .then()
        .statusCode(200)
        .extract()
        .path("results.probability_of_default");
  }

  static float probability(Object applicant) {
    return score(applicant)
        .then()
        .statusCode(200)
        .extract()
        .path("results[0].probability_of_default");
  }

  @Test
  void scoresByIdFromRedisDegradesWhenRedisStopsAndRecoversWhenItReturns() throws Exception {
    Arff arff = Arff.read(Path.of("data/credit-g.arff"));
    Map<String, Object> row42 = TrainCreditModels.applicant(arff.rows().get(42));
    Map<String, Object> row100 = TrainCreditModels.applicant(arff.rows().get(100));
    assertEquals(probability(row42), probability(Map.of("applicant_id", "A0042")));
    Management.given()
        .get("/q/health/ready")
        .then()
        .body("checks.find { it.name == 'feature-store' }.data.state", equalTo("ok"));

    WithRedis.server.stop();

    score(Map.of("applicant_id", "A0100"))
        .then()
        .statusCode(503)
        .header("Retry-After", "1")
        .body("error", containsString("feature store"))
        .body("error", containsString("Send every field"));
    for (int i = 0; i < 5; i++) { // enough failures to open the circuit: it fails fast now
      score(Map.of("applicant_id", "A0100")).then().statusCode(503);
    }
    assertEquals(probability(row100), probability(row100), "full applicants still score");
    probability(Map.of("applicant_id", "A0042")); // held in the near-cache: still scores
    Management.given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'feature-store' }.data.state", equalTo("degraded"));
    Management.given()
        .get("/q/metrics")
        .then()
        .body(containsString("scorer_feature_store_healthy{store=\"redis\"} 0.0"));

    WithRedis.server.start();
    WithRedis.load();

    // The circuit lets a trial read through once its open period has passed.
    await("id-only scoring is back without a restart")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> score(Map.of("applicant_id", "A0100")).statusCode() == 200);
    assertEquals(probability(row100), probability(Map.of("applicant_id", "A0100")));
    Management.given()
        .get("/q/health/ready")
        .then()
        .body("checks.find { it.name == 'feature-store' }.data.state", equalTo("ok"));
    Management.given()
        .get("/q/metrics")
        .then()
        .body(containsString("cache_gets_total{cache=\"features\""));
    for (int from = 0; from < 1000; from += 250) { // every applicant, by id from Redis
      List<Map<String, Object>> byId = new java.util.ArrayList<>();
      List<Map<String, Object>> full = new java.util.ArrayList<>();
      for (int i = from; i < from + 250; i++) {
        byId.add(Map.of("applicant_id", io.creditscorer.training.FeatureSnapshotWriter.id(i)));
        full.add(TrainCreditModels.applicant(arff.rows().get(i)));
      }
      assertEquals(probabilities(full), probabilities(byId), "rows " + from + "..");
    }
  }
}
