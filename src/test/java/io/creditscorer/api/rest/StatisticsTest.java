package io.creditscorer.api.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.Management;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.ModelStatistics;
import io.creditscorer.api.grpc.v2.ModelStatisticsRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Triton's statistics extension, from its document ({@code extension_statistics.md}): after known
 * traffic the counts move by exactly that traffic, they are the Prometheus page's counts, and gRPC
 * answers the same.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class StatisticsTest {

  static JsonPath version1() {
    JsonPath stats =
        given()
            .get("/v2/models/credit-risk/versions/1/stats")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(1, stats.getList("model_stats").size());
    return stats.setRootPath("model_stats[0]");
  }

  static long count(JsonPath stats, String what) {
    return stats.getLong("inference_stats." + what + ".count");
  }

  @Test
  void knownTrafficMovesTheCountsByExactlyItself() {
    JsonPath before = version1();
    long start = System.currentTimeMillis();
    for (int i = 0; i < 3; i++) {
      given()
          .contentType("application/json")
          .body(Map.of("applicants", List.of(CreditApiTest.applicant())))
          .post("/v1/credit/score?version=1")
          .then()
          .statusCode(200);
    }
    String row = "[" + "0,".repeat(54) + "0]";
    given()
        .contentType("application/json")
        .body(
            "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[2,55],\"data\":["
                + row
                + ","
                + row
                + "]}]}")
        .post("/v2/models/credit-risk/versions/1/infer")
        .then()
        .statusCode(200);
    given()
        .contentType("application/json")
        .body(
            "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,54],\"data\":["
                + "0,".repeat(53)
                + "0]}]}")
        .post("/v2/models/credit-risk/versions/1/infer")
        .then()
        .statusCode(400);
    long end = System.currentTimeMillis();
    JsonPath after = version1();

    assertEquals("credit-risk", after.getString("name"));
    assertEquals("1", after.getString("version"));
    assertEquals(
        4, count(after, "success") - count(before, "success"), "3 credit calls, 1 V2 call");
    assertEquals(1, count(after, "fail") - count(before, "fail"), "the wrong shape");
    assertTrue(
        after.getLong("inference_stats.success.ns") > before.getLong("inference_stats.success.ns"));
    assertEquals(
        3, count(after, "compute_input") - count(before, "compute_input"), "credit encodes");
    assertEquals(
        3, count(after, "compute_output") - count(before, "compute_output"), "credit decides");
    assertTrue(count(after, "compute_infer") - count(before, "compute_infer") >= 1);
    assertEquals(
        count(after, "compute_infer"), after.getLong("execution_count"), "one execution per run");
    assertTrue(after.getLong("inference_count") - before.getLong("inference_count") >= 5);
    // Batch statistics: the runs of each size add up to every run.
    List<Map<String, Object>> batches = after.getList("batch_stats");
    long runs = 0;
    for (Map<String, Object> b : batches) {
      runs += ((Number) ((Map<?, ?>) b.get("compute_infer")).get("count")).longValue();
    }
    assertEquals(count(after, "compute_infer"), runs);
    long last = after.getLong("last_inference");
    assertTrue(last >= start && last <= end, last + " in [" + start + ", " + end + "]");

    // The same counters as the Prometheus page.
    String page = Management.given().get("/q/metrics").then().extract().asString();
    assertEquals(
        (double) count(after, "compute_infer"),
        metric(page, "scorer_inference_seconds_count{", "model=\"credit-risk\"", "version=\"1\""));
    assertEquals(
        (double) count(after, "success"),
        metric(
            page,
            "scorer_requests_seconds_count{",
            "model=\"credit-risk\"",
            "outcome=\"ok\"",
            "version=\"1\""));
  }

  @Test
  void grpcAnswersTheSameStatisticsAndEveryVersionWithoutAName() throws Exception {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    try {
      var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
      JsonPath rest = version1();
      ModelStatistics grpc =
          stub.modelStatistics(
                  ModelStatisticsRequest.newBuilder()
                      .setName("credit-risk")
                      .setVersion("1")
                      .build())
              .getModelStats(0);
      assertEquals(rest.getLong("inference_count"), grpc.getInferenceCount());
      assertEquals(count(rest, "success"), grpc.getInferenceStats().getSuccess().getCount());
      assertEquals(
          rest.getLong("inference_stats.success.ns"),
          grpc.getInferenceStats().getSuccess().getNs());
      int all =
          stub.modelStatistics(ModelStatisticsRequest.getDefaultInstance()).getModelStatsCount();
      assertEquals(given().get("/v2/models/stats").jsonPath().getList("model_stats").size(), all);
      assertTrue(all >= 3, "credit-risk/1, /2 and echo/1 at least");
      assertEquals(
          2,
          stub.modelStatistics(ModelStatisticsRequest.newBuilder().setName("credit-risk").build())
              .getModelStatsCount());
    } finally {
      channel.shutdownNow();
    }
    given().get("/v2/models/no-such-model/stats").then().statusCode(404);
  }

  /** The sum of a metric's lines that carry every label given. */
  static double metric(String page, String prefix, String... labels) {
    double sum = 0;
    for (String line : page.split("\n")) {
      if (line.startsWith(prefix) && java.util.Arrays.stream(labels).allMatch(line::contains)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
