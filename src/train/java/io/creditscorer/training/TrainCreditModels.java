package io.creditscorer.training;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.creditscorer.decision.DecisionPolicy;
import io.creditscorer.decision.ScoreScale;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.features.FeatureSpec;
import io.creditscorer.repository.Descriptors;
import io.creditscorer.repository.ModelDescriptor;
import io.creditscorer.repository.ModelDescriptor.Baseline;
import io.creditscorer.repository.ModelDescriptor.Credit;
import io.creditscorer.repository.ModelDescriptor.Histogram;
import io.creditscorer.repository.ModelDescriptor.TensorSpec;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The training pipeline: reads the German Credit ARFF, splits it (stratified, seeded), trains the
 * shipped model versions and writes each to {@code <out>/<version>/} as {@code model.onnx}, {@code
 * model.json}, {@code holdout.csv} (the pipeline's own holdout predictions) and {@code
 * MODEL_CARD.md}. Every run on the same data gives byte-identical models.
 *
 * <p>Run: {@code mvn -q test-compile exec:java@train}
 */
public final class TrainCreditModels {

  static final long SEED = 42L;
  static final double HOLDOUT_FRACTION = 0.2;
  static final String MODEL_NAME = "credit-risk";
  static final String LABEL = "class";
  static final String BAD = "bad";
  static final List<String> PROTECTED = List.of("personal_status", "foreign_worker");

  /** Valid ranges of the numeric fields (domain rules, not training ranges) and descriptions. */
  static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

  static final Map<String, double[]> RANGES = new LinkedHashMap<>();

  static {
    describe("checking_status", "Status of the existing checking account (DM)", null);
    describe("duration", "Loan duration in months", new double[] {1, 120, 1});
    describe("credit_history", "Credit history", null);
    describe("purpose", "Purpose of the loan", null);
    describe("credit_amount", "Credit amount (DM)", new double[] {1, 1_000_000, 0});
    describe("savings_status", "Savings account or bonds (DM)", null);
    describe("employment", "Present employment since (years)", null);
    describe(
        "installment_commitment",
        "Installment rate in percent of disposable income (1-4)",
        new double[] {1, 4, 1});
    describe("other_parties", "Other debtors or guarantors", null);
    describe("residence_since", "Present residence since (years, 1-4)", new double[] {1, 4, 1});
    describe("property_magnitude", "Most valuable property", null);
    describe("age", "Age in years", new double[] {18, 120, 1});
    describe("other_payment_plans", "Other instalment plans", null);
    describe("housing", "Housing", null);
    describe(
        "existing_credits", "Number of existing credits at this bank", new double[] {0, 20, 1});
    describe("job", "Job", null);
    describe(
        "num_dependents",
        "Number of people the applicant provides maintenance for",
        new double[] {0, 20, 1});
    describe("own_telephone", "Telephone registered in the applicant's name", null);
  }

  private static void describe(String name, String description, double[] range) {
    DESCRIPTIONS.put(name, description);
    if (range != null) {
      RANGES.put(name, range);
    }
  }

  private TrainCreditModels() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args.length > 0 ? args[0] : "data/credit-g.arff");
    Path out = Path.of(args.length > 1 ? args[1] : "models/credit-risk");
    long start = System.nanoTime();
    List<Result> results = train(data, out, System.out::println);
    FeatureSnapshotWriter.write(data, Path.of("data/applicants.jsonl"));
    System.out.printf("%nSummary (%.1f s):%n", (System.nanoTime() - start) / 1e9);
    for (Result r : results) {
      System.out.printf(
          "  %s/%s  %-30s holdout ROC AUC %.4f  -> %s%n",
          MODEL_NAME, r.version(), r.kind(), r.auc(), out.resolve(r.version()));
    }
  }

  /** What one trained version achieved. */
  public record Result(String version, String kind, double auc) {}

  /** The split and encoded matrices shared by every trainer. */
  record Prepared(
      Arff arff,
      String sha256,
      List<Integer> trainRows,
      List<Integer> holdoutRows,
      List<FeatureSpec> features,
      String[] columnNames,
      float[][] train,
      float[][] holdout,
      boolean[] trainBad,
      boolean[] holdoutBad) {}

  /** Trains every version into {@code out}; {@code log} receives progress lines. */
  public static List<Result> train(Path data, Path out, java.util.function.Consumer<String> log)
      throws Exception {
    Prepared p = prepare(data);
    log.accept(
        String.format(
            "Data %s: %d rows (sha256 %s), %d train / %d holdout, %d features -> %d columns",
            data,
            p.arff().rows().size(),
            p.sha256().substring(0, 12),
            p.trainRows().size(),
            p.holdoutRows().size(),
            p.features().size(),
            p.columnNames().length));
    List<Result> results = new ArrayList<>();
    log.accept("[1/2] version 1: logistic regression (Tribuo) ...");
    Trained lr = LogisticRegressionTrainer.train(p);
    results.add(write(p, out, "1", lr, log));
    log.accept("[2/2] version 2: gradient-boosted trees (XGBoost -> ONNX TreeEnsemble) ...");
    Trained gbt = BoostedTreesTrainer.train(p);
    results.add(write(p, out, "2", gbt, log));
    return results;
  }

  /** A trained model: its ONNX bytes, the column of P(bad), and the trainer's own predictions. */
  record Trained(
      String kind,
      byte[] onnx,
      int defaultColumn,
      List<String> labels,
      double[] trainPd,
      double[] holdoutPd,
      Map<String, String> libraries) {}

  static Prepared prepare(Path data) throws IOException {
    Arff arff = Arff.read(data);
    List<Map<String, Object>> rows = arff.rows();
    // Stratified, seeded split: shuffle each class's row indices and hold out the same fraction.
    Random random = new Random(SEED);
    List<Integer> train = new ArrayList<>();
    List<Integer> holdout = new ArrayList<>();
    for (String cls : arff.attribute(LABEL).categories()) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (cls.equals(rows.get(i).get(LABEL))) {
          idx.add(i);
        }
      }
      java.util.Collections.shuffle(idx, random);
      int h = (int) Math.round(idx.size() * HOLDOUT_FRACTION);
      holdout.addAll(idx.subList(0, h));
      train.addAll(idx.subList(h, idx.size()));
    }
    train.sort(null);
    holdout.sort(null);

    // Column layout in ARFF order: one column per numeric feature, one per category seen in
    // training. Column names sort in column order, which Tribuo's feature ids follow.
    List<FeatureSpec> features = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String name : DESCRIPTIONS.keySet()) {
      Arff.Attribute a = arff.attribute(name);
      if (a.numeric()) {
        double[] stats = meanStd(train.stream().mapToDouble(i -> num(rows.get(i), name)).toArray());
        double[] range = RANGES.get(name);
        features.add(
            FeatureSpec.numeric(
                name,
                DESCRIPTIONS.get(name),
                names.size(),
                range[0],
                range[1],
                range[2] == 1,
                stats[0],
                stats[1]));
        names.add(String.format("%03d %s", names.size(), name));
      } else {
        Map<String, Integer> categories = new LinkedHashMap<>();
        for (String c : a.categories()) {
          boolean seen = train.stream().anyMatch(i -> c.equals(rows.get(i).get(name)));
          categories.put(c, seen ? names.size() : -1);
          if (seen) {
            names.add(String.format("%03d %s=%s", names.size(), name, c));
          }
        }
        features.add(FeatureSpec.categorical(name, DESCRIPTIONS.get(name), categories));
      }
    }
    CreditFeatureEncoder encoder = CreditFeatureEncoder.of(features, PROTECTED, names.size());
    return new Prepared(
        arff,
        sha256(data),
        train,
        holdout,
        features,
        names.toArray(String[]::new),
        encode(encoder, rows, train),
        encode(encoder, rows, holdout),
        labels(rows, train),
        labels(rows, holdout));
  }

  /** The applicant fields of an ARFF row, as a request would carry them. */
  public static Map<String, Object> applicant(Map<String, Object> row) {
    Map<String, Object> fields = new LinkedHashMap<>(row);
    fields.remove(LABEL);
    PROTECTED.forEach(fields::remove);
    return fields;
  }

  private static float[][] encode(
      CreditFeatureEncoder encoder, List<Map<String, Object>> rows, List<Integer> which) {
    float[][] out = new float[which.size()][encoder.width()];
    List<FieldError> errors = new ArrayList<>();
    for (int k = 0; k < which.size(); k++) {
      if (!encoder.encode(applicant(rows.get(which.get(k))), out[k], 0, "row", errors)) {
        throw new IllegalStateException("row " + which.get(k) + " does not encode: " + errors);
      }
    }
    return out;
  }

  private static boolean[] labels(List<Map<String, Object>> rows, List<Integer> which) {
    boolean[] bad = new boolean[which.size()];
    for (int k = 0; k < bad.length; k++) {
      bad[k] = BAD.equals(rows.get(which.get(k)).get(LABEL));
    }
    return bad;
  }

  private static double num(Map<String, Object> row, String name) {
    return ((Number) row.get(name)).doubleValue();
  }

  private static double[] meanStd(double[] v) {
    double mean = Arrays.stream(v).average().orElse(0);
    double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
    return new double[] {mean, Math.sqrt(var)};
  }

  private static Result write(
      Prepared p, Path out, String version, Trained model, java.util.function.Consumer<String> log)
      throws Exception {
    double[] onnxPd = scoreWithOnnx(model.onnx(), p.holdout(), model.defaultColumn());
    double maxDiff = 0;
    for (int i = 0; i < onnxPd.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(onnxPd[i] - model.holdoutPd()[i]));
    }
    if (maxDiff > 1e-5) {
      throw new IllegalStateException(
          "ONNX graph disagrees with the trainer by " + maxDiff + " on the holdout");
    }
    double auc = Metrics.rocAuc(model.holdoutPd(), p.holdoutBad());
    double brier = Metrics.brier(model.holdoutPd(), p.holdoutBad());
    DecisionPolicy policy = new DecisionPolicy("cost-5to1-v1", 1.0 / 6.0, 0.5, null);
    ScoreScale scale = new ScoreScale(600, 50, 20);

    Path dir = Files.createDirectories(out.resolve(version));
    Files.write(dir.resolve("model.onnx"), model.onnx());
    int width = p.columnNames().length;
    ModelDescriptor descriptor =
        new ModelDescriptor(
            MODEL_NAME,
            version,
            "German Credit risk, " + model.kind() + "; probability that the loan defaults",
            List.of(new TensorSpec("features", "FP32", List.of(-1L, (long) width), null)),
            List.of(new TensorSpec("probabilities", "FP32", List.of(-1L, 2L), model.labels())),
            new Credit(
                "features",
                "probabilities",
                model.defaultColumn(),
                p.features().stream().map(ReasonTexts::describe).toList(),
                PROTECTED,
                scale,
                policy),
            baseline(p, model.trainPd()),
            null);
    Descriptors.write(descriptor, dir.resolve(Descriptors.FILE_NAME));

    StringBuilder csv = new StringBuilder("row,label,probability_of_default\n");
    for (int k = 0; k < p.holdoutRows().size(); k++) {
      csv.append(p.holdoutRows().get(k))
          .append(',')
          .append(p.holdoutBad()[k] ? BAD : "good")
          .append(',')
          .append(model.holdoutPd()[k])
          .append('\n');
    }
    Files.writeString(dir.resolve("holdout.csv"), csv);
    Files.writeString(
        dir.resolve("MODEL_CARD.md"),
        ModelCard.render(p, version, model, auc, brier, policy, scale, maxDiff));
    log.accept(
        String.format(
            "      holdout ROC AUC %.4f, Brier %.4f, ONNX vs trainer max |diff| %.2e",
            auc, brier, maxDiff));
    return new Result(version, model.kind(), auc);
  }

  private static double[] scoreWithOnnx(byte[] onnx, float[][] rows, int column) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
        OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {rows.length, width});
        OrtSession.Result result = session.run(Map.of("features", input))) {
      FloatBuffer probs = ((OnnxTensor) result.get("probabilities").get()).getFloatBuffer();
      double[] pd = new double[rows.length];
      for (int i = 0; i < pd.length; i++) {
        pd[i] = probs.get(i * 2 + column);
      }
      return pd;
    }
  }

  private static Baseline baseline(Prepared p, double[] trainPd) {
    Map<String, Histogram> features = new LinkedHashMap<>();
    List<Map<String, Object>> rows = p.arff().rows();
    for (FeatureSpec f : p.features()) {
      if (f.type() == FeatureSpec.Type.numeric) {
        double[] values =
            p.trainRows().stream().mapToDouble(i -> num(rows.get(i), f.name())).toArray();
        features.put(f.name(), numericHistogram(values));
      } else {
        List<String> categories = List.copyOf(f.categories().keySet());
        List<Long> counts = new ArrayList<>();
        for (String c : categories) {
          counts.add(
              p.trainRows().stream().filter(i -> c.equals(rows.get(i).get(f.name()))).count());
        }
        features.put(f.name(), new Histogram(null, categories, counts, null, null));
      }
    }
    return new Baseline(p.trainRows().size(), features, numericHistogram(trainPd));
  }

  /** Decile cut points (distinct) and the counts of the bins they make. */
  static Histogram numericHistogram(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    TreeSet<Double> cuts = new TreeSet<>();
    for (int d = 1; d < 10; d++) {
      double q = sorted[(int) Math.floor(d * (sorted.length - 1) / 10.0)];
      if (q > sorted[0]) {
        cuts.add(q);
      }
    }
    List<Double> edges = new ArrayList<>(cuts);
    long[] counts = new long[edges.size() + 1];
    for (double v : values) {
      int bin = 0;
      while (bin < edges.size() && v >= edges.get(bin)) {
        bin++;
      }
      counts[bin]++;
    }
    return new Histogram(
        edges,
        null,
        Arrays.stream(counts).boxed().collect(Collectors.toList()),
        sorted[0],
        sorted[sorted.length - 1]);
  }

  static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String today() {
    return LocalDate.now(ZoneOffset.UTC).toString();
  }
}
