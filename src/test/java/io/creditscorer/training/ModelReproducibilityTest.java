package io.creditscorer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed models are exactly what the training pipeline produces from the shipped data. */
class ModelReproducibilityTest {

  @TempDir Path out;

  @Test
  void retrainingReproducesTheCommittedModelsByteForByte() throws Exception {
    List<String> log = new ArrayList<>();
    List<TrainCreditModels.Result> results =
        TrainCreditModels.train(Path.of("data/credit-g.arff"), out, log::add);
    assertEquals(2, results.size());
    for (TrainCreditModels.Result r : results) {
      assertTrue(r.auc() > 0.7, "holdout AUC of version " + r.version() + " is " + r.auc());
      for (String file : new String[] {"model.onnx", "model.json", "holdout.csv"}) {
        assertArrayEquals(
            Files.readAllBytes(Path.of("models/credit-risk", r.version(), file)),
            Files.readAllBytes(out.resolve(r.version()).resolve(file)),
            "models/credit-risk/"
                + r.version()
                + "/"
                + file
                + " differs from the pipeline's output; run mvn -q test-compile exec:java@train");
      }
      assertEquals(
          withoutDate(Path.of("models/credit-risk", r.version(), "MODEL_CARD.md")),
          withoutDate(out.resolve(r.version()).resolve("MODEL_CARD.md")));
    }
  }

  @Test
  void protectedAttributesAreNeverInputs() throws Exception {
    for (String v : new String[] {"1", "2"}) {
      String descriptor = Files.readString(Path.of("models/credit-risk", v, "model.json"));
      assertTrue(
          !descriptor.contains("\"name\" : \"personal_status\"")
              && !descriptor.contains("\"name\" : \"foreign_worker\""));
    }
  }

  private static String withoutDate(Path card) throws Exception {
    return Files.readAllLines(card).stream()
        .filter(l -> !l.startsWith(ModelCard.DATE_PREFIX))
        .collect(Collectors.joining("\n"));
  }
}
