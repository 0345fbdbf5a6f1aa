package io.creditscorer.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    float[] expanded = explainer.expand(rows, N);
    Tensor in = new Tensor("features", DataType.FP32, new long[] {N * per, width}, expanded);
    float[] probs = (float[]) v.model().run(List.of(in), List.of("probabilities")).get(0).data();
    double[] pd = new double[N * per];
    for (int r = 0; r < pd.length; r++) {
      pd[r] = probs[r * 2 + credit.defaultColumn()];
    }
    List<List<Reason>> out = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      out.add(explainer.reasons(pd, i, applicants.get(i), 4));
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
  void descriptionsNameTheApplicantsValue() throws Exception {
    ModelVersion.Credit credit = repository.resolve("credit-risk", "1").credit().orElseThrow();
    Map<String, Object> a = TrainCreditModels.applicant(arff.rows().get(1)); // 48 months, 0<=X<200
    int per = credit.explainer().rowsPerApplicant();
    double[] pd = new double[per];
    pd[0] = 0.9; // every field at baseline lowers the risk by a different amount
    for (int g = 1; g < per; g++) {
      pd[g] = 0.9 - g * 0.01;
    }
    List<Reason> reasons = credit.explainer().reasons(pd, 0, a, 18);
    Map<String, String> byFeature = new LinkedHashMap<>();
    reasons.forEach(r -> byFeature.put(r.feature(), r.description()));
    assertEquals("Loan duration of 48 months", byFeature.get("duration"));
    assertEquals("Checking account balance between 0 and 200 DM", byFeature.get("checking_status"));
    assertEquals("Loan purpose: radio/tv", byFeature.get("purpose"));
    assertEquals("own_telephone", reasons.get(0).feature(), "largest impact first");
  }
}
