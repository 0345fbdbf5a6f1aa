package io.creditscorer.features;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.creditscorer.Management;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.training.Arff;
import io.creditscorer.training.FeatureSnapshotWriter;
import io.creditscorer.training.TrainCreditModels;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scoring by applicant id with the embedded snapshot store (the default). */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class FeatureStoreApiTest {

  static Arff arff;

  @BeforeAll
  static void readData() throws Exception {
    arff = Arff.read(Path.of("data/credit-g.arff"));
  }

  static Map<String, Object> fullRow(int row) {
    return TrainCreditModels.applicant(arff.rows().get(row));
  }

  static List<Float> probabilities(String version, List<Map<String, Object>> applicants) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("applicants", applicants))
        .post("/v1/credit/score?version=" + version)
        .then()
        .statusCode(200)
        .extract()
        .path("results.probability_of_default");
  }

  @Test
  void everyApplicantScoredByIdAloneGetsExactlyTheScoreOfItsFullRow() {
    for (String version : List.of("1", "2")) {
      for (int from = 0; from < 1000; from += 250) {
        List<Map<String, Object>> byId = new ArrayList<>();
        List<Map<String, Object>> full = new ArrayList<>();
        for (int i = from; i < from + 250; i++) {
          byId.add(Map.of("applicant_id", FeatureSnapshotWriter.id(i)));
          full.add(fullRow(i));
        }
        assertEquals(
            probabilities(version, full),
            probabilities(version, byId),
            "version " + version + ", rows " + from + "..");
      }
    }
  }

  @Test
  void fieldsSentWithAnIdWinOverTheStoredOnes() {
    Map<String, Object> changed = new HashMap<>(fullRow(42));
    changed.put("credit_amount", 15000);
    changed.put("duration", 48);
    float expected = probabilities("2", List.of(changed)).get(0);
    float stored = probabilities("2", List.of(fullRow(42))).get(0);
    assertNotEquals(stored, expected, "the change matters to the model");
    assertEquals(
        expected,
        probabilities(
                "2",
                List.of(Map.of("applicant_id", "A0042", "credit_amount", 15000, "duration", 48)))
            .get(0));
  }

  @Test
  void anUnknownIdWithMissingFieldsNamesTheIdAndEveryMissingField() {
    given()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "applicants",
                List.of(
                    Map.of("applicant_id", "A0001"), Map.of("applicant_id", "X-77", "age", 30))))
        .post("/v1/credit/score")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("applicants[1].applicant_id"))
        .body("errors.problem", hasItem(containsString("'X-77' is not in the feature store")))
        .body("errors.field", hasItems("applicants[1].duration", "applicants[1].credit_amount"))
        .body("errors.findAll { it.field.startsWith('applicants[0]') }.size()", equalTo(0));
  }

  @Test
  void aBadStoredOverrideIsNamedLikeAnyField() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("applicants", List.of(Map.of("applicant_id", "A0005", "duration", -3))))
        .post("/v1/credit/score")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("applicants[0].duration"))
        .body("errors[0].problem", containsString("at least"));
  }

  @Test
  void theLookupIsTimedAsItsOwnStage() {
    probabilities("2", List.of(Map.of("applicant_id", "A0010")));
    Management.given()
        .get("/q/metrics")
        .then()
        .body(
            containsString(
                "scorer_stage_seconds_count{model=\"credit-risk\",stage=\"feature_lookup\",version=\"2\"}"))
        .body(
            containsString(
                "scorer_stage_seconds_count{model=\"credit-risk\",stage=\"encode\",version=\"2\"}"))
        .body(
            containsString(
                "scorer_stage_seconds_count{model=\"credit-risk\",stage=\"decide\",version=\"2\"}"));
  }
}
