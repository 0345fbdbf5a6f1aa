package io.creditscorer.scoring;

import io.creditscorer.decision.DecisionPolicy;
import io.creditscorer.decision.Reason;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.ScoringException;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.features.FeatureStore;
import io.creditscorer.features.StoredApplicant;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.Tensor;
import io.creditscorer.inference.TensorMeta;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.routing.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The one path every prediction takes, whichever door it came in by: resolve the model version,
 * validate, encode, run, decode, record. Knows nothing about HTTP or gRPC.
 *
 * <p>Both entry points are asynchronous and total: they never throw; every problem (bad input,
 * unknown model, overload, inference failure) arrives as a future failed with a {@link
 * ScoringException}. Thread-safe.
 */
public final class ScoringEngine {

  static final String API_V2 = "v2";
  static final String API_CREDIT = "credit";

  private final ModelRepository repository;
  private final InferenceRunner runner;
  private final EngineSettings settings;
  private final ScoringMetrics metrics;
  private final Ticker ticker;
  private final IdempotencyCache idempotency;
  private final AuditSink audit;
  private final DecisionListener listener;
  private final FeatureStore features;
  private final Router router;
  private final Executor shadowExecutor;

  public ScoringEngine(
      ModelRepository repository,
      InferenceRunner runner,
      EngineSettings settings,
      ScoringMetrics metrics,
      Ticker ticker,
      AuditSink audit,
      DecisionListener listener,
      FeatureStore features,
      Router router,
      Executor shadowExecutor) {
    this.repository = repository;
    this.runner = runner;
    this.settings = settings;
    this.metrics = metrics;
    this.ticker = ticker;
    this.audit = audit;
    this.listener = listener;
    this.features = features;
    this.router = router;
    this.shadowExecutor = shadowExecutor;
    this.idempotency =
        new IdempotencyCache(
            settings.idempotencyWindow().toNanos(), settings.idempotencyMaxKeys(), ticker);
  }

  private long deadline(Duration timeout) {
    return ticker.read() + (timeout != null ? timeout : settings.defaultTimeout()).toNanos();
  }

  /** Open Inference Protocol inference on any served model. */
  public CompletableFuture<InferResult> infer(InferRequest request) {
    long start = System.nanoTime();
    ModelVersion version = null;
    CompletableFuture<InferResult> result;
    try {
      version = leaseRouted(request.model(), request.version(), null);
      List<String> outputs = validate(version, request);
      ModelVersion v = version;
      result =
          runner
              .run(version, request.inputs(), outputs, deadline(request.timeout()))
              .thenApply(out -> new InferResult(v.name(), v.version(), request.id(), out));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return record(API_V2, version, result, start, rowsOf(request));
  }

  /**
   * Scores credit applicants with the configured credit model. With an idempotency key, a retry of
   * the same request within the window gets the identical answer without scoring again.
   */
  public CompletableFuture<CreditResult> score(CreditRequest request) {
    if (request.idempotencyKey() == null) {
      return scoreOnce(request);
    }
    Map<String, Object> body = new HashMap<>();
    body.put("request_id", request.requestId());
    body.put("version", request.version());
    body.put("applicants", request.applicants());
    return idempotency.answer(
        request.idempotencyKey(), Fingerprints.of(body), () -> scoreOnce(request));
  }

  private CompletableFuture<CreditResult> scoreOnce(CreditRequest request) {
    long start = System.nanoTime();
    ModelVersion version = null;
    CompletableFuture<CreditResult> result;
    try {
      version =
          leaseRouted(settings.creditModel(), request.version(), firstId(request.applicants()));
      result = scoreWith(version, request);
      String fallback = router.policy(settings.creditModel()).fallback();
      if (request.version() == null && fallback != null && !fallback.equals(version.version())) {
        ModelVersion primary = version;
        result =
            result.exceptionallyCompose(
                e ->
                    GuardedRunner.isModelOutage(e)
                        ? fallback(primary, fallback, request, e)
                        : CompletableFuture.failedFuture(e));
      }
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    int rows = request.applicants() == null ? 0 : request.applicants().size();
    return record(API_CREDIT, version, result, start, rows);
  }

  /**
   * Answers with the designated fallback version when the routed one failed or its circuit is open;
   * the answer says {@code degraded}. When the fallback fails too, the original failure is
   * reported.
   */
  private CompletableFuture<CreditResult> fallback(
      ModelVersion primary, String fallbackVersion, CreditRequest request, Throwable failure) {
    ModelVersion fallback;
    try {
      fallback = lease(primary.name(), fallbackVersion);
    } catch (RuntimeException notServed) {
      return CompletableFuture.failedFuture(failure);
    }
    metrics.fallback(primary.name(), primary.version(), fallbackVersion);
    CompletableFuture<CreditResult> answer;
    try {
      answer = scoreWith(fallback, request).thenApply(CreditResult::asDegraded);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .whenComplete((ok, error) -> fallback.model().release())
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(failure));
  }

  /** Completes the applicants from the feature store where needed, then encodes, runs, decides. */
  private CompletableFuture<CreditResult> scoreWith(ModelVersion version, CreditRequest request) {
    ModelVersion.Credit credit =
        version
            .credit()
            .orElseThrow(
                () ->
                    ScoringException.notFound(
                        "model " + settings.creditModel() + " has no credit descriptor"));
    List<Map<String, Object>> applicants = request.applicants();
    if (applicants == null || applicants.isEmpty()) {
      throw new InvalidInputException("applicants", "must list at least one applicant");
    }
    if (applicants.size() > settings.maxRequestRows()) {
      throw new InvalidInputException(
          "applicants",
          "has "
              + applicants.size()
              + " entries; at most "
              + settings.maxRequestRows()
              + " per call");
    }
    // Applicants that carry an id but not every field are completed from the feature store, all
    // in one lookup; the others never wait for it (and still score when it is down).
    List<String> lookups = new ArrayList<>(0);
    for (Map<String, Object> applicant : applicants) {
      if (applicant != null
          && applicant.get(CreditFeatureEncoder.APPLICANT_ID) instanceof String id
          && !credit.encoder().isComplete(applicant)) {
        lookups.add(id);
      }
    }
    CompletableFuture<CreditResult> result;
    if (lookups.isEmpty()) {
      result = encodeAndRun(version, credit, request, Map.of());
    } else {
      long lookupStart = System.nanoTime();
      result =
          features
              .lookup(lookups)
              .handle(
                  (found, error) -> {
                    metrics.stage(ScoringMetrics.STAGE_FEATURES, System.nanoTime() - lookupStart);
                    if (error != null) {
                      throw featureStoreDown(error);
                    }
                    return found;
                  })
              .thenCompose(found -> encodeAndRun(version, credit, request, found));
    }
    return result;
  }

  private ScoringException featureStoreDown(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return ScoringException.unavailable(
        "the feature store ("
            + features.describe()
            + ") cannot be read at the moment ("
            + cause.getClass().getSimpleName()
            + "); applicants given by applicant_id alone cannot be scored until it is back. Send"
            + " every field to score without it.",
        cause);
  }

  /**
   * Validates and encodes every applicant (completed from {@code stored} where needed), then runs
   * the model. A stored applicant given by id alone is copied in already encoded.
   */
  private CompletableFuture<CreditResult> encodeAndRun(
      ModelVersion version,
      ModelVersion.Credit credit,
      CreditRequest request,
      Map<String, StoredApplicant> stored) {
    long encodeStart = System.nanoTime();
    List<Map<String, Object>> applicants = request.applicants();
    CreditFeatureEncoder encoder = credit.encoder();
    int n = applicants.size();
    int width = encoder.width();
    float[] rows = new float[n * width];
    String[] ids = new String[n];
    List<Map<String, Object>> complete = new ArrayList<>(n);
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String path = "applicants[" + i + "]";
      Map<String, Object> applicant = applicants.get(i);
      complete.add(applicant);
      if (applicant == null) {
        errors.add(new FieldError(path, "must be an object, not null"));
        continue;
      }
      Object id = applicant.get(CreditFeatureEncoder.APPLICANT_ID);
      if (id != null && !(id instanceof String)) {
        errors.add(
            new FieldError(path + "." + CreditFeatureEncoder.APPLICANT_ID, "must be a string"));
      }
      ids[i] = id instanceof String s ? s : null;
      Map<String, Object> fields = applicant;
      StoredApplicant found = ids[i] == null ? null : stored.get(ids[i]);
      if (found != null && !encoder.isComplete(applicant)) {
        if (applicant.size() == 1) {
          StoredApplicant.Encoded encoded = found.encodedFor(encoder);
          complete.set(i, found.fields());
          if (encoded.row() != null) {
            System.arraycopy(encoded.row(), 0, rows, i * width, width);
          } else {
            for (FieldError e : encoded.problems()) {
              errors.add(
                  new FieldError(
                      path + e.field(),
                      e.problem() + " (value stored for applicant " + ids[i] + ")"));
            }
          }
          continue;
        }
        Map<String, Object> merged = new HashMap<>(found.fields());
        merged.putAll(applicant); // the request's values win
        fields = merged;
        complete.set(i, merged);
      } else if (ids[i] != null && !encoder.isComplete(applicant)) {
        errors.add(
            new FieldError(
                path + "." + CreditFeatureEncoder.APPLICANT_ID,
                "'"
                    + ids[i]
                    + "' is not in the feature store; send the applicant's fields below, or a"
                    + " known id"));
      }
      encoder.encode(fields, rows, i * width, path, errors);
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    String requestId =
        request.requestId() != null ? request.requestId() : UUID.randomUUID().toString();
    // With reasons by perturbation, each applicant's row is followed by one perturbed row per
    // field, all scored in the same inference call.
    boolean explain = settings.reasonCount() > 0;
    int per = explain ? credit.explainer().rowsPerApplicant() : 1;
    float[] input = per > 1 ? credit.explainer().expand(rows, n) : rows;
    Tensor tensor =
        new Tensor(credit.input(), DataType.FP32, new long[] {(long) n * per, width}, input);
    DecisionPolicy policy = settings.policyOverride().applyTo(credit.decisionPolicy());
    metrics.stage(ScoringMetrics.STAGE_ENCODE, System.nanoTime() - encodeStart);
    return runner
        .run(version, List.of(tensor), List.of(credit.output()), deadline(request.timeout()))
        .thenApply(
            out -> {
              CreditResult answer =
                  decide(
                      version,
                      credit,
                      policy,
                      requestId,
                      ids,
                      complete,
                      explain,
                      rows,
                      per,
                      (float[]) out.get(0).data());
              String shadow = router.shadow(version.name(), version.version());
              if (shadow != null) {
                try {
                  shadowExecutor.execute(() -> shadow(version, shadow, complete, answer));
                } catch (RejectedExecutionException full) {
                  metrics.shadowDropped(version.name());
                }
              }
              return answer;
            });
  }

  /**
   * Scores the same applicants with the shadow version and records how its answer differs. Runs
   * after the answer has left; never changes it. Failures are counted, not thrown.
   */
  private void shadow(
      ModelVersion primary,
      String shadowVersion,
      List<Map<String, Object>> applicants,
      CreditResult answer) {
    ModelVersion shadow;
    try {
      shadow = lease(primary.name(), shadowVersion);
    } catch (RuntimeException notServed) {
      metrics.shadowFailed(primary.name(), primary.version(), shadowVersion);
      return;
    }
    try {
      ModelVersion.Credit credit = shadow.credit().orElseThrow();
      int n = applicants.size();
      int width = credit.encoder().width();
      float[] rows = new float[n * width];
      List<FieldError> errors = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        credit.encoder().encode(applicants.get(i), rows, i * width, "", errors);
      }
      if (!errors.isEmpty()) {
        throw new InvalidInputException(errors);
      }
      DecisionPolicy policy = settings.policyOverride().applyTo(credit.decisionPolicy());
      runner
          .run(
              shadow,
              List.of(new Tensor(credit.input(), DataType.FP32, new long[] {n, width}, rows)),
              List.of(credit.output()),
              deadline(null))
          .whenComplete(
              (out, error) -> {
                shadow.model().release();
                if (error != null) {
                  metrics.shadowFailed(primary.name(), primary.version(), shadowVersion);
                  return;
                }
                float[] p = (float[]) out.get(0).data();
                for (int i = 0; i < n; i++) {
                  double pd = p[i * credit.outputColumns() + credit.defaultColumn()];
                  CreditResult.Applicant served = answer.results().get(i);
                  boolean disagree =
                      policy.decide(pd, applicants.get(i)).decision() != served.decision();
                  metrics.shadow(
                      primary.name(),
                      primary.version(),
                      shadowVersion,
                      disagree,
                      Math.abs(pd - served.probabilityOfDefault()));
                }
              });
    } catch (RuntimeException e) {
      shadow.model().release();
      metrics.shadowFailed(primary.name(), primary.version(), shadowVersion);
    }
  }

  private CreditResult decide(
      ModelVersion version,
      ModelVersion.Credit credit,
      DecisionPolicy policy,
      String requestId,
      String[] ids,
      List<Map<String, Object>> applicants,
      boolean explain,
      float[] rows,
      int per,
      float[] probabilities) {
    long decideStart = System.nanoTime();
    double[] pd = new double[probabilities.length / credit.outputColumns()];
    for (int r = 0; r < pd.length; r++) {
      pd[r] = probabilities[r * credit.outputColumns() + credit.defaultColumn()];
    }
    List<CreditResult.Applicant> results = new ArrayList<>(ids.length);
    double[] decided = new double[ids.length];
    for (int i = 0; i < ids.length; i++) {
      Map<String, Object> applicant = applicants.get(i);
      double p = pd[i * per];
      decided[i] = p;
      DecisionPolicy.Verdict verdict = policy.decide(p, applicant);
      int points = credit.scoreScale().points(p);
      List<Reason> reasons =
          explain
              ? credit.explainer().reasons(pd, rows, i, applicant, settings.reasonCount())
              : List.of();
      metrics.decision(version.name(), version.version(), verdict.decision(), p);
      results.add(
          new CreditResult.Applicant(
              ids[i], p, points, verdict.decision(), verdict.rule(), reasons));
      audit.record(
          new AuditRecord(
              requestId,
              ids[i],
              version.name(),
              version.version(),
              version.sha256(),
              policy.version(),
              verdict.rule(),
              Fingerprints.ofAllBut(applicant, CreditFeatureEncoder.APPLICANT_ID),
              p,
              points,
              verdict.decision().wireName(),
              reasons.stream().map(Reason::code).toList()));
    }
    listener.decided(version, applicants, decided);
    metrics.stage(ScoringMetrics.STAGE_DECIDE, System.nanoTime() - decideStart);
    return new CreditResult(
        requestId, version.name(), version.version(), policy.version(), results, false);
  }

  /** Checks the inputs against the version's schema; returns the outputs to compute. */
  private List<String> validate(ModelVersion version, InferRequest request) {
    List<FieldError> errors = new ArrayList<>();
    List<Tensor> inputs = request.inputs() == null ? List.of() : request.inputs();
    Set<String> given = new HashSet<>();
    for (Tensor t : inputs) {
      String field = "inputs." + t.name();
      TensorMeta meta = find(version.inputs(), t.name());
      if (!given.add(t.name())) {
        errors.add(new FieldError(field, "is given more than once"));
      } else if (meta == null) {
        errors.add(
            new FieldError(
                field,
                "is not an input of "
                    + version.id()
                    + " (inputs: "
                    + names(version.inputs())
                    + ")"));
      } else if (meta.datatype() != t.datatype()) {
        errors.add(
            new FieldError(
                field, "has datatype " + t.datatype() + " but the model takes " + meta.datatype()));
      } else if (!meta.accepts(t.shape())) {
        errors.add(
            new FieldError(
                field,
                "has shape "
                    + Arrays.toString(t.shape())
                    + " but the model takes "
                    + Arrays.toString(meta.shape())
                    + " (-1: any size)"));
      } else if (t.shape().length > 0
          && meta.shape()[0] < 0
          && t.shape()[0] > settings.maxRequestRows()) {
        errors.add(
            new FieldError(
                field,
                "has "
                    + t.shape()[0]
                    + " rows; at most "
                    + settings.maxRequestRows()
                    + " per call"));
      }
    }
    for (TensorMeta meta : version.inputs()) {
      if (!given.contains(meta.name())) {
        errors.add(new FieldError("inputs." + meta.name(), "is required by " + version.id()));
      }
    }
    List<String> outputs = new ArrayList<>();
    if (request.outputs() == null || request.outputs().isEmpty()) {
      version.outputs().forEach(o -> outputs.add(o.name()));
    } else {
      for (String name : request.outputs()) {
        if (find(version.outputs(), name) == null) {
          errors.add(
              new FieldError(
                  "outputs." + name,
                  "is not an output of "
                      + version.id()
                      + " (outputs: "
                      + names(version.outputs())
                      + ")"));
        } else if (!outputs.contains(name)) {
          outputs.add(name);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return outputs;
  }

  private static TensorMeta find(List<TensorMeta> metas, String name) {
    for (TensorMeta m : metas) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    return null;
  }

  private static List<String> names(List<TensorMeta> metas) {
    return metas.stream().map(TensorMeta::name).toList();
  }

  private static int rowsOf(InferRequest request) {
    if (request.inputs() == null || request.inputs().isEmpty()) {
      return 0;
    }
    long[] shape = request.inputs().get(0).shape();
    return shape.length == 0 ? 1 : (int) Math.min(Integer.MAX_VALUE, shape[0]);
  }

  private static String firstId(List<Map<String, Object>> applicants) {
    if (applicants == null || applicants.isEmpty() || applicants.get(0) == null) {
      return null;
    }
    return applicants.get(0).get(CreditFeatureEncoder.APPLICANT_ID) instanceof String id
        ? id
        : null;
  }

  /**
   * The version the router chooses, leased. An explicit version must exist; a routed one that is
   * not served (e.g. a canary being rolled back) falls back to the latest.
   */
  private ModelVersion leaseRouted(String model, String explicit, String stickyKey) {
    String chosen = router.choose(model, explicit, stickyKey);
    if (explicit != null || chosen == null) {
      return lease(model, chosen);
    }
    try {
      return lease(model, chosen);
    } catch (ScoringException e) {
      return lease(model, null);
    }
  }

  /**
   * Resolves a version and takes a lease on it, so a reload cannot close it under this request
   * (released in {@link #record}). A version retired between the two steps is resolved again.
   */
  private ModelVersion lease(String model, String version) {
    for (int attempt = 0; attempt < 100; attempt++) {
      ModelVersion v = repository.resolve(model, version);
      if (v.model().tryAcquire()) {
        return v;
      }
    }
    throw ScoringException.notReady("model " + model + " is being reloaded; retry");
  }

  private <T> CompletableFuture<T> record(
      String api, ModelVersion version, CompletableFuture<T> result, long start, int rows) {
    String model = version == null ? ScoringMetrics.UNRESOLVED : version.name();
    String ver = version == null ? ScoringMetrics.UNRESOLVED : version.version();
    return result.whenComplete(
        (ok, error) -> {
          if (version != null) {
            version.model().release();
          }
          String outcome = error == null ? "ok" : outcome(error);
          metrics.request(api, model, ver, outcome, System.nanoTime() - start);
          if (error == null) {
            metrics.rows(api, model, ver, rows);
          }
        });
  }

  private static String outcome(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return e instanceof ScoringException s ? s.kind().name().toLowerCase(Locale.ROOT) : "internal";
  }
}
