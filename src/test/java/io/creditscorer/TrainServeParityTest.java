package io.creditscorer;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every holdout row, scored through the running service, equals the training pipeline's own
 * prediction (Tribuo / XGBoost, recorded in holdout.csv) within 1e-5.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class TrainServeParityTest {

  @ParameterizedTest
  @ValueSource(strings = {"1", "2"})
  void holdoutPredictionsMatchTheTrainer(String version) throws Exception {
    Arff arff = Arff.read(Path.of("data/credit-g.arff"));
    List<String> lines = Files.readAllLines(Path.of("models/credit-risk", version, "holdout.csv"));
    List<Map<String, Object>> applicants = new ArrayList<>();
    List<Double> expected = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cols = line.split(",");
      Map<String, Object> a =
          TrainCreditModels.applicant(arff.rows().get(Integer.parseInt(cols[0])));
      a.put("applicant_id", "row-" + cols[0]);
      applicants.add(a);
      expected.add(Double.parseDouble(cols[2]));
    }
    assertEquals(200, applicants.size());
    List<Float> served =
        given()
            .contentType(ContentType.JSON)
            .body(new ObjectMapper().writeValueAsString(Map.of("applicants", applicants)))
            .post("/v1/credit/score?version=" + version)
            .then()
            .statusCode(200)
            .extract()
            .path("results.probability_of_default");
    assertEquals(expected.size(), served.size());
    for (int i = 0; i < served.size(); i++) {
      assertEquals(
          expected.get(i), served.get(i), 1e-5, "holdout " + applicants.get(i).get("applicant_id"));
    }
    // One applicant alone gets the same answer as inside the batch.
    float alone =
        given()
            .contentType(ContentType.JSON)
            .body(
                new ObjectMapper()
                    .writeValueAsString(Map.of("applicants", List.of(applicants.get(7)))))
            .post("/v1/credit/score?version=" + version)
            .then()
            .statusCode(200)
            .extract()
            .path("results[0].probability_of_default");
    assertEquals(served.get(7), alone, 1e-6);
  }
}
