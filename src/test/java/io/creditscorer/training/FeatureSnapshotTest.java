package io.creditscorer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped feature snapshot is exactly the German Credit data under ids A0000..A0999. */
class FeatureSnapshotTest {

  @Test
  void theCommittedSnapshotIsWhatTheWriterProducesFromTheShippedData() throws Exception {
    assertEquals(
        FeatureSnapshotWriter.lines(Arff.read(Path.of("data/credit-g.arff"))),
        Files.readAllLines(Path.of("data/applicants.jsonl"), StandardCharsets.UTF_8),
        "data/applicants.jsonl is stale; run mvn -q test-compile exec:java@train");
  }
}
