package io.creditscorer.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.creditscorer.features.FeatureSpec;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.Descriptors;
import io.creditscorer.repository.ModelDescriptor;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reason codes on the shipped models, checked against the logistic model's own coefficients. */
class ReasonCodeExplainerTest {

  static ModelRepository repository;
  static Arff arff;
  static final int N = 60;

  @BeforeAll
  static void load() throws Exception {
    repository = io.creditscorer.TestModels.shippedModels();
    arff = Arff.read(Path.of("data/credit-g.arff"));
  }

  @AfterAll
  static void close() {
    repository.close();
  }

  /** Reasons for the first N German Credit rows through the explainer and the real model. */
  static List<List<Reason>> explain(String version) throws Exception {
    ModelVersion v = repository.resolve("credit-risk", version);
    ModelVersion.Credit credit = v.credit().orElseThrow();
    int width = credit.encoder().width();
    float[] rows = new float[N * width];
    List<Map<String, Object>> applicants = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      Map<String, Object> a = TrainCreditModels.applicant(arff.rows().get(i));
      applicants.add(a);
      assertTrue(credit.encoder().encode(a, rows, i * width, "a", new ArrayList<>()));
    }
    ReasonCodeExplainer explainer = credit.explainer();
    int per = explainer.rowsPerApplicant();
    float[] input = per > 1 ? explainer.expand(rows, N) : rows;
    Tensor in = new Tensor("features", DataType.FP32, new long[] {N * per, width}, input);
    float[] probs = (float[]) v.model().run(List.of(in), List.of("probabilities")).get(0).data();
    double[] pd = new double[N * per];
    for (int r = 0; r < pd.length; r++) {
      pd[r] = probs[r * 2 + credit.defaultColumn()];
    }
    List<List<Reason>> out = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      out.add(explainer.reasons(pd, rows, i, applicants.get(i), 4));
    }
    return out;
  }

  @Test
  void logisticRankingMatchesCoefficientTimesDistanceFromBaseline() throws Exception {
    ModelDescriptor d = Descriptors.read(Path.of("models/credit-risk/1/model.json"));
    int badColumn = d.credit().defaultColumn();
    float[] w = weights(Path.of("models/credit-risk/1/model.onnx"));
    ModelVersion.Credit credit = repository.resolve("credit-risk", "1").credit().orElseThrow();
    int width = credit.encoder().width();
    List<List<Reason>> reasons = explain("1");
    int checked = 0;
    for (int i = 0; i < N; i++) {
      float[] x = new float[width];
      credit
          .encoder()
          .encode(TrainCreditModels.applicant(arff.rows().get(i)), x, 0, "a", new ArrayList<>());
      Map<String, Double> contribution = new LinkedHashMap<>();
      for (FeatureSpec f : d.credit().features()) {
        double sum = 0;
        if (f.type() == FeatureSpec.Type.numeric) {
          sum = coefficient(w, f.column(), badColumn) * (x[f.column()] - 0.0);
        } else {
          ModelDescriptor.Histogram h = d.baseline().features().get(f.name());
          double total = h.counts().stream().mapToLong(Long::longValue).sum();
          for (Map.Entry<String, Integer> c : f.categories().entrySet()) {
            if (c.getValue() >= 0) {
              double base = h.counts().get(h.categories().indexOf(c.getKey())) / total;
              sum += coefficient(w, c.getValue(), badColumn) * (x[c.getValue()] - base);
            }
          }
        }
        contribution.put(f.name(), sum);
      }
      List<String> expected =
          contribution.entrySet().stream()
              .filter(e -> e.getValue() > 0)
              .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
              .limit(4)
              .map(Map.Entry::getKey)
              .toList();
      assertEquals(
          expected, reasons.get(i).stream().map(Reason::feature).toList(), "applicant " + i);
      checked += expected.size();
    }
    assertTrue(checked > N, "most applicants have reasons");
  }

  /** The coefficient of P(bad) vs P(good) for one column: w[c][bad] - w[c][good]. */
  static double coefficient(float[] w, int column, int bad) {
    return w[column * 2 + bad] - w[column * 2 + (1 - bad)];
  }

  /** The Gemm weights [55, 2] of Tribuo's exported graph. */
  static float[] weights(Path onnx) throws Exception {
    OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx));
    OnnxMl.TensorProto t =
        m.getGraph().getInitializerList().stream()
            .filter(x -> x.getDimsCount() == 2)
            .findFirst()
            .orElseThrow();
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] w = new float[b.remaining() / 4];
    b.asFloatBuffer().get(w);
    return w;
  }

  @Test
  void reasonsAreOrderedPositiveDeterministicAndNeverProtected() throws Exception {
    for (String version : new String[] {"1", "2"}) {
      List<List<Reason>> a = explain(version);
      List<List<Reason>> b = explain(version);
      assertEquals(a, b, "same input, same reasons");
      for (List<Reason> reasons : a) {
        assertTrue(reasons.size() <= 4);
        for (int k = 0; k < reasons.size(); k++) {
          Reason r = reasons.get(k);
          assertTrue(r.impact() > 0);
          assertTrue(k == 0 || reasons.get(k - 1).impact() >= r.impact());
          assertFalse(List.of("personal_status", "foreign_worker").contains(r.feature()));
          assertTrue(r.code().matches("R\\d\\d"), r.code());
          assertFalse(r.description().isBlank());
        }
      }
    }
  }

  @Test
  void aSmallerLimitKeepsTheFirstReasonsOfALargerOne() throws Exception {
    ModelVersion.Credit credit = repository.resolve("credit-risk", "2").credit().orElseThrow();
    int width = credit.encoder().width();
    float[] row = new float[width];
    int longer = 0;
    for (int i = 0; i < N; i++) {
      Map<String, Object> a = TrainCreditModels.applicant(arff.rows().get(i));
      assertTrue(credit.encoder().encode(a, row, 0, "a", new ArrayList<>()));
      List<Reason> all = credit.explainer().reasons(null, row, 0, a, 18);
      for (int limit = 0; limit <= 6; limit++) {
        assertEquals(
            all.subList(0, Math.min(limit, all.size())),
            credit.explainer().reasons(null, row, 0, a, limit),
            "applicant " + i + ", limit " + limit);
      }
      longer += all.size() > 6 ? 1 : 0;
    }
    assertTrue(longer > 0, "some applicants have more reasons than the largest limit tried");
  }

  @Test
  void descriptionsNameTheApplicantsValue() throws Exception {
    ModelVersion.Credit credit = repository.resolve("credit-risk", "1").credit().orElseThrow();
    Map<String, Object> a = TrainCreditModels.applicant(arff.rows().get(1)); // 48 months, 0<=X<200
    int per = credit.explainer().rowsPerApplicant();
    double[] pd = new double[per];
    pd[0] = 0.9; // every field at baseline lowers the risk by a different amount
    for (int g = 1; g < per; g++) {
      pd[g] = 0.9 - g * 0.01;
    }
    List<Reason> reasons = credit.explainer().reasons(pd, null, 0, a, 18);
    Map<String, String> byFeature = new LinkedHashMap<>();
    reasons.forEach(r -> byFeature.put(r.feature(), r.description()));
    assertEquals("Loan duration of 48 months", byFeature.get("duration"));
    assertEquals("Checking account balance between 0 and 200 DM", byFeature.get("checking_status"));
    assertEquals("Loan purpose: radio/tv", byFeature.get("purpose"));
    assertEquals("own_telephone", reasons.get(0).feature(), "largest impact first");
  }

  /**
   * Version 2's reasons come from its trees, with one model row per applicant, and agree with
   * perturbation through the model itself on all 1,000 German Credit applicants: the same impacts
   * and no field left out that ranks above one given.
   */
  @Test
  void treeReasonsAgreeWithPerturbationThroughTheModel() throws Exception {
    ModelVersion v = repository.resolve("credit-risk", "2");
    ModelVersion.Credit credit = v.credit().orElseThrow();
    ReasonCodeExplainer explainer = credit.explainer();
    assertEquals(1, explainer.rowsPerApplicant());
    assertEquals("paths of 150 trees, logistic link", explainer.method());
    List<String> fields =
        Descriptors.read(Path.of("models/credit-risk/2/model.json")).credit().features().stream()
            .map(FeatureSpec::name)
            .toList();
    int width = credit.encoder().width();
    int n = arff.rows().size();
    float[] rows = new float[n * width];
    List<Map<String, Object>> applicants = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      applicants.add(TrainCreditModels.applicant(arff.rows().get(i)));
      assertTrue(
          credit.encoder().encode(applicants.get(i), rows, i * width, "a", new ArrayList<>()));
    }
    int per = 1 + fields.size();
    Tensor in =
        new Tensor(
            "features", DataType.FP32, new long[] {n * per, width}, explainer.expand(rows, n));
    float[] probs = (float[]) v.model().run(List.of(in), List.of("probabilities")).get(0).data();
    int compared = 0;
    for (int i = 0; i < n; i++) {
      List<Reason> reasons = explainer.reasons(null, rows, i, applicants.get(i), 4);
      double original = probs[i * per * 2 + 1];
      double[] impact = new double[fields.size()];
      for (int g = 0; g < impact.length; g++) {
        impact[g] = original - probs[(i * per + 1 + g) * 2 + 1];
      }
      double lowest = reasons.size() < 4 ? 0 : reasons.get(3).impact();
      for (int g = 0; g < impact.length; g++) {
        String field = fields.get(g);
        Reason given =
            reasons.stream().filter(r -> r.feature().equals(field)).findFirst().orElse(null);
        if (given != null) {
          assertEquals(impact[g], given.impact(), ReasonCodeExplainer.TOLERANCE, i + " " + field);
          compared++;
        } else {
          assertTrue(
              impact[g] <= lowest + ReasonCodeExplainer.TOLERANCE,
              "applicant " + i + ": " + field + " left out at " + impact[g]);
        }
      }
    }
    assertTrue(compared > 3 * n, "most applicants have 4 reasons: " + compared);
  }

  /** A linear graph has no trees; a tree reading that strays from the model is refused. */
  @Test
  void treesAreUsedOnlyWhenTheyReproduceTheModel() throws Exception {
    ReasonCodeExplainer linear = repository.resolve("credit-risk", "1").credit().get().explainer();
    assertEquals("perturbation, 19 model rows per applicant", linear.method());
    assertEquals(19, linear.rowsPerApplicant());

    ModelVersion v = repository.resolve("credit-risk", "2");
    ModelDescriptor d = Descriptors.read(Path.of("models/credit-risk/2/model.json"));
    ReasonCodeExplainer plain =
        ReasonCodeExplainer.of(d.credit().features(), Map.of(), v.credit().get().encoder().width());
    byte[] onnx = Files.readAllBytes(Path.of("models/credit-risk/2/model.onnx"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                plain.withTrees(
                    onnx, "features", rows -> new double[rows.length / 55] /* all 0 */));
    assertTrue(e.getMessage().contains("differ from the model's"), e.getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    plain.withTrees(
                        Files.readAllBytes(Path.of("models/credit-risk/1/model.onnx")),
                        "features",
                        rows -> new double[0]))
            .getMessage()
            .contains("0 tree-ensemble nodes"));
  }
}
