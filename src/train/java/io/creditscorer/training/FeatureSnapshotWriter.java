package io.creditscorer.training;

import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.features.FeatureSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the embedded feature-store snapshot: every German Credit applicant under the id {@code A}
 * + its zero-based ARFF row number, four digits ({@code A0000} ... {@code A0999}), with the fields
 * a request would carry (no label, no protected attribute), one JSON object per line.
 */
public final class FeatureSnapshotWriter {

  private FeatureSnapshotWriter() {}

  /** The id of ARFF row {@code row}. */
  public static String id(int row) {
    return String.format("A%04d", row);
  }

  public static List<String> lines(Arff arff) {
    List<String> lines = new ArrayList<>(arff.rows().size());
    for (int i = 0; i < arff.rows().size(); i++) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put(CreditFeatureEncoder.APPLICANT_ID, id(i));
      TrainCreditModels.applicant(arff.rows().get(i))
          .forEach(
              (k, v) ->
                  fields.put(k, v instanceof Double d && d == Math.rint(d) ? d.longValue() : v));
      lines.add(FeatureSnapshot.toJson(fields));
    }
    return lines;
  }

  public static void write(Path arff, Path out) throws IOException {
    List<String> lines = lines(Arff.read(arff));
    Files.write(out, lines, StandardCharsets.UTF_8);
    System.out.printf("Feature snapshot: %d applicants -> %s%n", lines.size(), out);
  }

  public static void main(String[] args) throws IOException {
    write(
        Path.of(args.length > 0 ? args[0] : "data/credit-g.arff"),
        Path.of(args.length > 1 ? args[1] : "data/applicants.jsonl"));
  }
}
