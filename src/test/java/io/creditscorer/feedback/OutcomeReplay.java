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
      double replayBrier) {

    public boolean allAccepted() {
      return results.getOrDefault("accepted", 0) == rows;
    }

    public boolean figuresAgree() {
      return windowOutcomes == rows
          && Math.abs(serviceAuc - replayAuc) <= 1e-9
          && Math.abs(serviceBrier - replayBrier) <= 1e-9;
    }
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
      }
      JsonNode scored =
          post(scorePath, Map.of("request_id", requestId, "applicants", applicants), "scoring");
      model = scored.get("model_name").asText();
      version = scored.get("model_version").asText();
      JsonNode results = scored.get("results");
      for (int i = from; i < to; i++) {
        // The answer carries the probability as a 32-bit float; read it exactly as that.
        pd[i] = results.get(i - from).get("probability_of_default").decimalValue().floatValue();
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
                "observed_at", observedAt));
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
            brier(pd, bad));
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
    if (s.windowOutcomes() != s.rows()) {
      log.printf(
          "  note: the service's window holds %d outcomes, not only the %d replayed, so its figures"
              + " cover other outcomes too (an earlier run, other traffic)%n",
          s.windowOutcomes(), s.rows());
    }
    log.println(s.allAccepted() && s.figuresAgree() ? "OK" : "MISMATCH");
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
