package io.creditscorer.feedback;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestRepositoryResource;
import io.creditscorer.api.rest.FeedbackApiTest;
import io.creditscorer.training.Arff;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * The replay tool against the service in-process, through the REST doors: all 1,000 German Credit
 * rows scored with version 1 and their labels reported as outcomes. Version 1's window holds only
 * these outcomes (no other test reports outcomes for version 1), so the service's AUC and Brier
 * score must equal the ones computed independently from the same pairs.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class OutcomeReplayTest {

  @Test
  void theReportedAucEqualsAnIndependentComputationOnTheSamePairs() throws Exception {
    String runId = "replay-test-" + UUID.randomUUID();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    OutcomeReplay.Options options =
        new OutcomeReplay.Options(
            URI.create("http://localhost:" + RestAssured.port),
            Path.of("data/credit-g.arff"),
            null,
            "1",
            100,
            runId,
            Duration.ofSeconds(30));
    OutcomeReplay.Summary s =
        new OutcomeReplay(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
    String log = printed.toString(StandardCharsets.UTF_8);

    assertEquals("credit-risk", s.model());
    assertEquals("1", s.version());
    assertEquals(1000, s.rows());
    assertEquals(300, s.defaulted()); // the German Credit data: 700 good, 300 bad
    assertEquals(1000, s.results().get("accepted"), s.results().toString());
    assertEquals(1000, s.windowOutcomes());
    assertEquals(s.replayAuc(), s.serviceAuc(), 1e-9, log);
    assertEquals(s.replayBrier(), s.serviceBrier(), 1e-9, log);
    assertTrue(s.serviceAuc() > 0.7 && s.serviceAuc() < 1, log); // a real model, not a constant
    // Fairness by group, computed here by hand from the same rows, decisions and labels.
    assertTrue(s.fairnessAgrees(), log);
    OutcomeReplay.GroupFigures female =
        s.serviceFairness().stream()
            .filter(g -> g.attribute().equals("sex") && g.group().equals("female"))
            .findFirst()
            .orElseThrow();
    assertEquals(310, female.decisions(), log); // German Credit: 310 women, 690 men
    assertTrue(female.approvalRate() != null && female.adverseImpactRatio() != null, log);
    assertTrue(s.allAccepted() && s.figuresAgree(), log);
    assertTrue(log.contains("scored 1000/1000") && log.contains("OK"), log);

    // The first batch's outcomes again: duplicates, and the figures do not move.
    Arff arff = Arff.read(Path.of("data/credit-g.arff"));
    List<Map<String, Object>> again = new ArrayList<>();
    for (int row = 0; row < 100; row++) {
      again.add(
          Map.of(
              "request_id",
              runId + "-0",
              "applicant_id",
              runId + "-row-" + row,
              "defaulted",
              "bad".equals(arff.rows().get(row).get("class")),
              "observed_at",
              Instant.now().toString()));
    }
    String recordedAt =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("outcomes", again))
            .post("/v1/credit/outcomes")
            .then()
            .statusCode(200)
            .body("counts.duplicate", Matchers.equalTo(100))
            .extract()
            .path("recorded_at");
    Map<String, Object> v1 =
        FeedbackApiTest.version(FeedbackApiTest.performanceAfter(recordedAt), "1");
    assertEquals(1000, v1.get("outcomes"));
    assertEquals(s.serviceAuc(), ((Number) v1.get("auc")).doubleValue(), 0);
  }
}
