package io.creditscorer.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.repository.Descriptors;
import io.creditscorer.repository.ModelDescriptor;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The 1,000 German Credit applicants ({@code data/credit-g.arff}) as load-test requests: the credit
 * API's JSON, the model's encoded V2 row (encoded by the service's own {@link CreditFeatureEncoder}
 * from the version's {@code model.json}), and the feature-store request by applicant id. Protected
 * attributes and the label are dropped, as the service requires.
 *
 * <p>Load tests draw applicants in {@link #feedOrder(int, long)}: a shuffled permutation repeated
 * end to end, so every row is used once per cycle and no row is ever sent twice in a row. Immutable
 * and safe for any number of threads.
 */
public final class GermanCreditApplicants {

  /** Applicant ids the feature store serves: {@code A0000} to {@code A0999}, one per data row. */
  public static final int STORED_IDS = 1000;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One data row as a request.
   *
   * @param row index in the data file, from 0
   * @param fields the credit API's applicant fields (integral numbers as integers)
   * @param features the row encoded for the model
   */
  public record Applicant(int row, Map<String, Object> fields, float[] features) {}

  private final List<Applicant> applicants;
  private final String inputName;

  private GermanCreditApplicants(List<Applicant> applicants, String inputName) {
    this.applicants = List.copyOf(applicants);
    this.inputName = inputName;
  }

  /**
   * Reads the data and encodes every row for {@code modelVersion} of {@code credit-risk}.
   *
   * @throws IllegalStateException if a row does not encode (the data and the model disagree)
   */
  public static GermanCreditApplicants load(Path projectDir, String modelVersion)
      throws IOException {
    ModelDescriptor descriptor =
        Descriptors.read(
            projectDir.resolve("models/credit-risk").resolve(modelVersion).resolve("model.json"));
    ModelDescriptor.Credit credit = descriptor.credit();
    int width =
        descriptor.inputs().stream()
            .filter(t -> t.name().equals(credit.input()))
            .findFirst()
            .orElseThrow()
            .shape()
            .get(1)
            .intValue();
    CreditFeatureEncoder encoder =
        CreditFeatureEncoder.of(credit.features(), credit.protectedAttributes(), width);
    List<Map<String, Object>> rows = Arff.read(projectDir.resolve("data/credit-g.arff")).rows();
    List<Applicant> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put(CreditFeatureEncoder.APPLICANT_ID, "row-" + i);
      TrainCreditModels.applicant(rows.get(i))
          .forEach((name, value) -> fields.put(name, integralAsLong(value)));
      float[] features = new float[width];
      List<FieldError> errors = new ArrayList<>();
      if (!encoder.encode(fields, features, 0, "row " + i, errors)) {
        throw new IllegalStateException("row " + i + " does not encode: " + errors);
      }
      out.add(new Applicant(i, fields, features));
    }
    return new GermanCreditApplicants(out, credit.input());
  }

  public List<Applicant> all() {
    return applicants;
  }

  public int size() {
    return applicants.size();
  }

  /** {@code POST /v1/credit/score} body with this one applicant, every field supplied. */
  public String creditBody(Applicant a) {
    return json(Map.of("applicants", List.of(a.fields())));
  }

  /** {@code POST /v2/models/{m}/infer} body with this applicant's encoded row. */
  public String v2Body(Applicant a) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("name", inputName);
    input.put("shape", List.of(1, a.features().length));
    input.put("datatype", "FP32");
    input.put("data", a.features());
    return json(Map.of("inputs", List.of(input)));
  }

  /** Feature-store id of a stored applicant, {@code A0000} to {@code A0999}. */
  public static String storedApplicantId(int index) {
    if (index < 0 || index >= STORED_IDS) {
      throw new IllegalArgumentException("stored applicant ids run from 0 to " + (STORED_IDS - 1));
    }
    return String.format("A%04d", index);
  }

  /** {@code POST /v1/credit/score} body that names a stored applicant by id alone. */
  public static String storedApplicantBody(int index) {
    return "{\"applicants\":[{\"applicant_id\":\"" + storedApplicantId(index) + "\"}]}";
  }

  /**
   * A seeded random permutation of {@code 0..n-1}. Repeated end to end it visits every index once
   * per cycle and never yields one index twice in a row (the indices are distinct, so neither
   * within a cycle nor across the wrap from the last to the first).
   */
  public static int[] feedOrder(int n, long seed) {
    if (n < 2) {
      throw new IllegalArgumentException("need at least 2 rows to never repeat one back to back");
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * Feeder records in {@link #feedOrder(int, long)}, one per data row, each with the row index
   * ({@code row}) and its three request bodies: {@code credit_body}, {@code v2_body} and {@code
   * by_id_body} (the stored applicant with the same index). Meant to be fed circularly.
   */
  public List<Map<String, Object>> feederRecords(long seed) {
    List<Map<String, Object>> records = new ArrayList<>(applicants.size());
    for (int i : feedOrder(applicants.size(), seed)) {
      Applicant a = applicants.get(i);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("row", a.row());
      r.put("credit_body", creditBody(a));
      r.put("v2_body", v2Body(a));
      r.put("by_id_body", storedApplicantBody(a.row() % STORED_IDS));
      records.add(r);
    }
    return records;
  }

  private static Object integralAsLong(Object value) {
    if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return d.longValue();
    }
    return value;
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
