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
      Path card = out.resolve(r.version()).resolve("MODEL_CARD.md");
      assertEquals(
          withoutDateAndParity(Path.of("models/credit-risk", r.version(), "MODEL_CARD.md")),
          withoutDateAndParity(card));
      double parity = parity(card);
      assertTrue(parity < 1e-5, "ONNX graph vs trainer differ by " + parity);
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

  /** The card without the lines that change from run to run and from machine to machine. */
  private static String withoutDateAndParity(Path card) throws Exception {
    return Files.readAllLines(card).stream()
        .filter(l -> !l.startsWith(ModelCard.DATE_PREFIX) && !l.startsWith(ModelCard.PARITY_ROW))
        .collect(Collectors.joining("\n"));
  }

  private static double parity(Path card) throws Exception {
    String row =
        Files.readAllLines(card).stream()
            .filter(l -> l.startsWith(ModelCard.PARITY_ROW))
            .findFirst()
            .orElseThrow();
    return Double.parseDouble(row.substring(ModelCard.PARITY_ROW.length()).replace("|", "").trim());
  }
}
