package io.creditscorer.feedback;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;

/**
 * Replays the German Credit data against a running service: scores every row (or the holdout rows
 * of a model version) through {@code POST /v1/credit/score}, reports each row's true label as its
 * outcome ({@code bad} = defaulted) through {@code POST /v1/credit/outcomes}, waits until {@code
 * GET /v1/credit/performance} covers them, and prints the service's figures next to ones computed
 * here from the same (probability, label) pairs (AUC by counting every pair, no ranking).
 *
 * <p>Run: {@code mvn -q test-compile exec:java@replay [-Dexec.args="--url http://127.0.0.1:8080
 * --version 1 --holdout models/credit-risk/1/holdout.csv --batch 100"]}. Exit status 1 when an
 * outcome was not accepted or the figures disagree.
 */
public final class OutcomeReplay {

  /**
   * @param version the model version to pin, or {@code null} for the served default
   * @param holdout a holdout.csv whose rows are replayed, or {@code null} for every row
   * @param runId prefix of the request and applicant ids, so that runs never collide
   */
  public record Options(
      URI url,
      Path data,
      Path holdout,
      String version,
      int batch,
      String runId,
      Duration patience) {}

  /**
   * What a run found. {@code windowOutcomes} is the service's window size for the version: when it
   * equals {@code rows}, the service's figures are over exactly the replayed pairs.
   */
  public record Summary(
      String model,
      String version,
      int rows,
      int defaulted,
      Map<String, Integer> results,
      int windowOutcomes,
      double serviceAuc,
      double replayAuc,
      double serviceBrier,
      double replayBrier,
      List<GroupFigures> serviceFairness,
      List<GroupFigures> replayFairness) {

    public boolean allAccepted() {
      return results.getOrDefault("accepted", 0) == rows;
    }

    public boolean figuresAgree() {
      return windowOutcomes == rows
          && Math.abs(serviceAuc - replayAuc) <= 1e-9
          && Math.abs(serviceBrier - replayBrier) <= 1e-9
          && fairnessAgrees();
    }

    /** Every group's counts equal, and every rate equal or insufficient on both sides. */
    public boolean fairnessAgrees() {
      if (serviceFairness.size() != replayFairness.size()) {
        return false;
      }
      for (int i = 0; i < replayFairness.size(); i++) {
        if (!serviceFairness.get(i).agrees(replayFairness.get(i))) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * One group's fairness figures; a rate is {@code null} when insufficient (fewer than {@link
   * #MINIMUM_GROUP_SIZE} in its denominator) or undefined.
   */
  public record GroupFigures(
      String attribute,
      String group,
      int decisions,
      int outcomes,
      Double approvalRate,
      Double adverseImpactRatio,
      Double truePositiveRate,
      Double falsePositiveRate) {

    boolean agrees(GroupFigures o) {
      return attribute.equals(o.attribute)
          && group.equals(o.group)
          && decisions == o.decisions
          && outcomes == o.outcomes
          && close(approvalRate, o.approvalRate)
          && close(adverseImpactRatio, o.adverseImpactRatio)
          && close(truePositiveRate, o.truePositiveRate)
          && close(falsePositiveRate, o.falsePositiveRate);
    }

    private static boolean close(Double a, Double b) {
      return a == null ? b == null : b != null && Math.abs(a - b) <= 1e-9;
    }
  }

  /** The service's default minimum group size, which the replay's own computation applies. */
  static final int MINIMUM_GROUP_SIZE = 30;

  /** German Credit's groups for fairness monitoring, in the default attributes' order. */
  static Map<String, String> groups(Map<String, Object> row) {
    Map<String, String> g = new LinkedHashMap<>();
    g.put("sex", row.get("personal_status").toString().startsWith("female") ? "female" : "male");
    g.put("age_band", ageBand(((Number) row.get("age")).doubleValue()));
    g.put("foreign_worker", row.get("foreign_worker").toString());
    return g;
  }

  static final List<String> AGE_BANDS = List.of("<25", "25-34", "35-44", "45-54", "55+");

  static String ageBand(double age) {
    return age < 25 ? "<25" : age < 35 ? "25-34" : age < 45 ? "35-44" : age < 55 ? "45-54" : "55+";
  }

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private final Options options;
  private final PrintStream log;
  private final HttpClient http = HttpClient.newHttpClient();

  public OutcomeReplay(Options options, PrintStream log) {
    this.options = options;
    this.log = log;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      a.put(args[i].substring(2), args[i + 1]);
    }
    Options options =
        new Options(
            URI.create(a.getOrDefault("url", "http://127.0.0.1:8080")),
            Path.of(a.getOrDefault("data", "data/credit-g.arff")),
            a.containsKey("holdout") ? Path.of(a.get("holdout")) : null,
            a.get("version"),
            Integer.parseInt(a.getOrDefault("batch", "100")),
            a.getOrDefault("run-id", "replay-" + System.currentTimeMillis()),
            Duration.ofSeconds(Long.parseLong(a.getOrDefault("wait-seconds", "60"))));
    Summary s = new OutcomeReplay(options, System.out).run();
    System.exit(s.allAccepted() && s.figuresAgree() ? 0 : 1);
  }

  /** Scores, reports, waits for the service's figures and prints the summary. */
  public Summary run() throws IOException, InterruptedException {
    Arff arff = Arff.read(options.data());
    List<Integer> rows = rows(arff);
    int n = rows.size();
    double[] pd = new double[n];
    boolean[] bad = new boolean[n];
    String[] requestIds = new String[n];
    String[] applicantIds = new String[n];
    String[] decisions = new String[n];
    List<Map<String, String>> groups = new ArrayList<>(n);
    String model = null;
    String version = null;

    log.printf("[1/3] scoring %d German Credit rows against %s ...%n", n, options.url());
    String scorePath =
        "/v1/credit/score" + (options.version() == null ? "" : "?version=" + options.version());
    for (int from = 0; from < n; from += options.batch()) {
      int to = Math.min(n, from + options.batch());
      String requestId = options.runId() + "-" + (from / options.batch());
      List<Map<String, Object>> applicants = new ArrayList<>();
      for (int i = from; i < to; i++) {
        Map<String, Object> row = arff.rows().get(rows.get(i));
        Map<String, Object> applicant = TrainCreditModels.applicant(row);
        applicantIds[i] = options.runId() + "-row-" + rows.get(i);
        requestIds[i] = requestId;
        applicant.put("applicant_id", applicantIds[i]);
        applicants.add(applicant);
        bad[i] = "bad".equals(row.get("class"));
        groups.add(groups(row));
      }
      JsonNode scored =
          post(scorePath, Map.of("request_id", requestId, "applicants", applicants), "scoring");
      model = scored.get("model_name").asText();
      version = scored.get("model_version").asText();
      JsonNode results = scored.get("results");
      for (int i = from; i < to; i++) {
        // The answer carries the probability as a 32-bit float; read it exactly as that.
        pd[i] = results.get(i - from).get("probability_of_default").decimalValue().floatValue();
        decisions[i] = results.get(i - from).get("decision").asText();
      }
      log.printf("      scored %d/%d%n", to, n);
    }

    log.printf("[2/3] reporting %d outcomes ...%n", n);
    Map<String, Integer> counts = new TreeMap<>();
    Instant recordedAt = Instant.MIN;
    String observedAt = Instant.now().toString();
    for (int from = 0; from < n; from += options.batch()) {
      int to = Math.min(n, from + options.batch());
      List<Map<String, Object>> outcomes = new ArrayList<>();
      for (int i = from; i < to; i++) {
        outcomes.add(
            Map.of(
                "request_id", requestIds[i],
                "applicant_id", applicantIds[i],
                "defaulted", bad[i],
                "observed_at", observedAt,
                "groups", groups.get(i)));
      }
      JsonNode reply = post("/v1/credit/outcomes", Map.of("outcomes", outcomes), "reporting");
      reply
          .get("counts")
          .fields()
          .forEachRemaining(e -> counts.merge(e.getKey(), e.getValue().asInt(), Integer::sum));
      Instant at = Instant.parse(reply.get("recorded_at").asText());
      recordedAt = at.isAfter(recordedAt) ? at : recordedAt;
      log.printf("      reported %d/%d %s%n", to, n, counts);
    }

    log.printf("[3/3] waiting for the service's figures (%s/%s) ...%n", model, version);
    JsonNode figures = figures(model, version, recordedAt);
    int defaulted = 0;
    for (boolean b : bad) {
      defaulted += b ? 1 : 0;
    }
    Summary s =
        new Summary(
            model,
            version,
            n,
            defaulted,
            counts,
            figures.get("outcomes").asInt(),
            number(figures.get("auc")),
            pairwiseAuc(pd, bad),
            number(figures.get("brier")),
            brier(pd, bad),
            serviceFairness(model, version, recordedAt),
            fairness(decisions, bad, groups));
    print(s);
    return s;
  }

  private List<Integer> rows(Arff arff) throws IOException {
    List<Integer> rows = new ArrayList<>();
    if (options.holdout() == null) {
      for (int i = 0; i < arff.rows().size(); i++) {
        rows.add(i);
      }
      return rows;
    }
    List<String> lines = Files.readAllLines(options.holdout());
    for (String line : lines.subList(1, lines.size())) {
      rows.add(Integer.parseInt(line.substring(0, line.indexOf(','))));
    }
    return rows;
  }

  /**
   * The fairness figures computed here: approval rate, adverse impact ratio (against the highest
   * approval rate among groups of at least {@link #MINIMUM_GROUP_SIZE}), and the rates of declined
   * among defaulted (true positive) and among repaid (false positive), each group counted by hand.
   */
  static List<GroupFigures> fairness(
      String[] decisions, boolean[] bad, List<Map<String, String>> groups) {
    Map<String, List<String>> attributes = new LinkedHashMap<>();
    attributes.put("sex", List.of("male", "female"));
    attributes.put("age_band", AGE_BANDS);
    attributes.put("foreign_worker", List.of("yes", "no"));
    List<GroupFigures> out = new ArrayList<>();
    attributes.forEach(
        (attribute, values) -> {
          double best = -1;
          for (String value : values) {
            int n = 0;
            int approved = 0;
            for (int i = 0; i < bad.length; i++) {
              if (groups.get(i).get(attribute).equals(value)) {
                n++;
                approved += decisions[i].equals("approve") ? 1 : 0;
              }
            }
            if (n >= MINIMUM_GROUP_SIZE) {
              best = Math.max(best, (double) approved / n);
            }
          }
          for (String value : values) {
            int n = 0;
            int approved = 0;
            int defaulted = 0;
            int declinedDefaulted = 0;
            int declinedRepaid = 0;
            for (int i = 0; i < bad.length; i++) {
              if (!groups.get(i).get(attribute).equals(value)) {
                continue;
              }
              boolean declined = decisions[i].equals("decline");
              n++;
              approved += decisions[i].equals("approve") ? 1 : 0;
              defaulted += bad[i] ? 1 : 0;
              declinedDefaulted += bad[i] && declined ? 1 : 0;
              declinedRepaid += !bad[i] && declined ? 1 : 0;
            }
            Double approvalRate = rate(approved, n);
            out.add(
                new GroupFigures(
                    attribute,
                    value,
                    n,
                    n,
                    approvalRate,
                    approvalRate == null || best <= 0 ? null : approvalRate / best,
                    rate(declinedDefaulted, defaulted),
                    rate(declinedRepaid, n - defaulted)));
          }
        });
    return out;
  }

  private static Double rate(int k, int n) {
    return n < MINIMUM_GROUP_SIZE ? null : (double) k / n;
  }

  /** The service's fairness figures for the version, once computed after the last report. */
  private List<GroupFigures> serviceFairness(String model, String version, Instant recordedAt)
      throws IOException, InterruptedException {
    JsonNode doc =
        Awaitility.await("the service's fairness figures recomputed after the last report")
            .atMost(options.patience())
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> get("/v1/credit/fairness"),
                d -> Instant.parse(d.get("as_of").asText()).isAfter(recordedAt));
    List<GroupFigures> out = new ArrayList<>();
    for (JsonNode v : doc.get("versions")) {
      if (v.get("model").asText().equals(model) && v.get("version").asText().equals(version)) {
        for (JsonNode a : v.get("attributes")) {
          for (JsonNode g : a.get("groups")) {
            out.add(
                new GroupFigures(
                    a.get("attribute").asText(),
                    g.get("group").asText(),
                    g.get("decisions").asInt(),
                    g.get("outcomes").asInt(),
                    figure(g.get("approval_rate")),
                    figure(g.get("adverse_impact_ratio")),
                    figure(g.get("true_positive_rate")),
                    figure(g.get("false_positive_rate"))));
          }
        }
      }
    }
    return out;
  }

  private static Double figure(JsonNode f) {
    JsonNode v = f.get("value");
    return v == null || v.isNull() ? null : v.asDouble();
  }

  /** Polls the performance document until it was computed after the last report. */
  private JsonNode figures(String model, String version, Instant recordedAt)
      throws IOException, InterruptedException {
    JsonNode doc =
        Awaitility.await("the service's figures recomputed after the last report")
            .atMost(options.patience())
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> get("/v1/credit/performance"),
                d -> Instant.parse(d.get("as_of").asText()).isAfter(recordedAt));
    for (JsonNode v : doc.get("versions")) {
      if (v.get("model").asText().equals(model) && v.get("version").asText().equals(version)) {
        return v;
      }
    }
    throw new IllegalStateException("the service reports no figures for " + model + "/" + version);
  }

  private void print(Summary s) {
    log.printf(
        "%nReplay of %d rows (%d defaulted) on %s/%s%n",
        s.rows(), s.defaulted(), s.model(), s.version());
    log.printf("  outcomes:        %s%n", s.results());
    log.printf("  service window:  %d outcomes%n", s.windowOutcomes());
    log.printf(
        "  ROC AUC:         service %.12f   replay %.12f   |diff| %.1e%n",
        s.serviceAuc(), s.replayAuc(), Math.abs(s.serviceAuc() - s.replayAuc()));
    log.printf(
        "  Brier score:     service %.12f   replay %.12f   |diff| %.1e%n",
        s.serviceBrier(), s.replayBrier(), Math.abs(s.serviceBrier() - s.replayBrier()));
    log.printf(
        "  fairness by group (service | replay; '-' insufficient, under %d):%n",
        MINIMUM_GROUP_SIZE);
    for (int i = 0; i < s.replayFairness().size(); i++) {
      GroupFigures r = s.replayFairness().get(i);
      GroupFigures v = i < s.serviceFairness().size() ? s.serviceFairness().get(i) : null;
      log.printf(
          "    %-14s %-6s n=%4d  approval %s | %s  AIR %s | %s  TPR %s | %s  FPR %s | %s%n",
          r.attribute(),
          r.group(),
          r.decisions(),
          shown(v == null ? null : v.approvalRate()),
          shown(r.approvalRate()),
          shown(v == null ? null : v.adverseImpactRatio()),
          shown(r.adverseImpactRatio()),
          shown(v == null ? null : v.truePositiveRate()),
          shown(r.truePositiveRate()),
          shown(v == null ? null : v.falsePositiveRate()),
          shown(r.falsePositiveRate()));
    }
    if (s.windowOutcomes() != s.rows()) {
      log.printf(
          "  note: the service's window holds %d outcomes, not only the %d replayed, so its figures"
              + " cover other outcomes too (an earlier run, other traffic)%n",
          s.windowOutcomes(), s.rows());
    }
    log.println(s.allAccepted() && s.figuresAgree() ? "OK" : "MISMATCH");
  }

  private static String shown(Double d) {
    return d == null ? "    -" : String.format("%.3f", d);
  }

  /** AUC by comparing every (defaulted, repaid) pair, ties counted one half. */
  static double pairwiseAuc(double[] pd, boolean[] bad) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < pd.length; i++) {
      if (!bad[i]) {
        continue;
      }
      for (int j = 0; j < pd.length; j++) {
        if (!bad[j]) {
          pairs++;
          wins += pd[i] > pd[j] ? 1 : pd[i] == pd[j] ? 0.5 : 0;
        }
      }
    }
    return pairs == 0 ? Double.NaN : wins / pairs;
  }

  static double brier(double[] pd, boolean[] bad) {
    double sum = 0;
    for (int i = 0; i < pd.length; i++) {
      sum += (pd[i] - (bad[i] ? 1 : 0)) * (pd[i] - (bad[i] ? 1 : 0));
    }
    return sum / pd.length;
  }

  private static double number(JsonNode n) {
    return n == null || n.isNull() ? Double.NaN : n.asDouble();
  }

  private JsonNode post(String path, Object body, String what)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(options.url().resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(what + " failed: HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(options.url().resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + " failed: HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
