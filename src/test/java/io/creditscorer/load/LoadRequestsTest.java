package io.creditscorer.load;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestRepositoryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The load tests' requests against the real service: what the simulations send is answered 200, the
 * V2 row and the credit applicant built from the same data row get the same probability, and the
 * gRPC load client completes a short open-model run with no error.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class LoadRequestsTest {

  @Test
  void simulationBodiesAreAnsweredAndAgreeAcrossDoors() throws Exception {
    GermanCreditApplicants data = GermanCreditApplicants.load(Path.of("."), "2");
    List<Map<String, Object>> records = data.feederRecords(42).subList(0, 40);
    for (Map<String, Object> r : records) {
      Number v2 =
          given()
              .contentType(ContentType.JSON)
              .body((String) r.get("v2_body"))
              .post("/v2/models/credit-risk/versions/2/infer")
              .then()
              .statusCode(200)
              .extract()
              .path("outputs[0].data[1]");
      Number credit =
          given()
              .contentType(ContentType.JSON)
              .body((String) r.get("credit_body"))
              .post("/v1/credit/score?version=2")
              .then()
              .statusCode(200)
              .extract()
              .path("results[0].probability_of_default");
      assertEquals(v2.floatValue(), credit.floatValue(), 1e-6, "row " + r.get("row"));
    }
  }

  @Test
  void grpcLoadClientRunsAShortOpenModelRunWithoutErrors() throws Exception {
    Properties p = new Properties();
    p.setProperty("grpc.port", "9001"); // the gRPC test port
    p.setProperty("rps", "50");
    p.setProperty("duration", "2s");
    p.setProperty("warmup", "1s"); // sent first, not counted below
    p.setProperty("p99.ms", "60000");
    p.setProperty("max.error.pct", "0");
    LoadSettings settings = LoadSettings.from(p);
    Path results = Path.of("target/load-client-test");
    for (String method : new String[] {"infer", "score"}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      GrpcLoadClient client =
          new GrpcLoadClient(
              settings,
              method,
              Duration.ofSeconds(10),
              Duration.ZERO,
              100,
              1,
              GermanCreditApplicants.load(Path.of("."), "2"));
      boolean passed = client.run(results, new PrintStream(out, true, StandardCharsets.UTF_8));
      String report = out.toString(StandardCharsets.UTF_8);
      assertTrue(passed, report);
      assertTrue(report.contains("requests:       100 sent, 100 ok, 0 failed"), report);
    }
    try (Stream<Path> reports = Files.list(results)) {
      assertTrue(
          reports.anyMatch(d -> Files.exists(d.resolve("index.html"))), "a report was written");
    }
  }
}
