package io.creditscorer.scoring;

import io.creditscorer.base.Ticker;
import io.creditscorer.decision.DecisionPolicy;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.ScoringException;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.features.FeatureStore;
import io.creditscorer.features.StoredApplicant;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.routing.Router;
import io.creditscorer.spi.AuditSink;
import io.creditscorer.spi.DecisionListener;
import io.creditscorer.spi.InferenceRunner;
import io.creditscorer.spi.ScoringObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * The one path every prediction takes, whichever door it came in by: resolve the model version,
 * validate, encode, run, decode, record. Knows nothing about HTTP or gRPC.
 *
 * <p>Both entry points are asynchronous and total: they never throw; every problem (bad input,
 * unknown model, overload, inference failure) arrives as a future failed with a {@link
 * ScoringException}. Thread-safe.
 */
public final class ScoringEngine {

  private static final Logger LOG = Logger.getLogger(ScoringEngine.class);

  static final String API_V2 = "v2";
  static final String API_CREDIT = "credit";

  private final InferenceRunner runner;
  private final EngineSettings settings;
  private final ScoringObserver metrics;
  private final Ticker ticker;
  private final IdempotencyCache idempotency;
  private final FeatureStore features;
  private final Router router;
  private final Executor shadowExecutor;
  private final VersionLeases leases;
  private final V2SchemaCheck v2Schema;
  private final CreditDecider decider;

  public ScoringEngine(
      ModelRepository repository,
      InferenceRunner runner,
      EngineSettings settings,
      ScoringObserver metrics,
      Ticker ticker,
      AuditSink audit,
      DecisionListener listener,
      FeatureStore features,
      Router router,
      Executor shadowExecutor) {
    this.runner = runner;
    this.settings = settings;
    this.metrics = metrics;
    this.ticker = ticker;
    this.features = features;
    this.router = router;
    this.shadowExecutor = shadowExecutor;
    this.leases = new VersionLeases(repository, router);
    this.v2Schema = new V2SchemaCheck(settings.maxRequestRows());
    this.decider =
        new CreditDecider(settings.reasonCount(), settings.auditKey(), audit, listener, metrics);
    this.idempotency =
        new IdempotencyCache(
            settings.idempotencyWindow().toNanos(), settings.idempotencyMaxBytes(), ticker);
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
      Identifiers.require("id", request.id(), Identifiers.MAX_ID_CHARS);
      version = leases.routed(request.model(), request.version(), null);
      List<String> outputs = v2Schema.outputs(version, request);
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
    List<FieldError> invalid = new ArrayList<>(0);
    Identifiers.check("request_id", request.requestId(), Identifiers.MAX_ID_CHARS, invalid);
    Identifiers.check(
        "Idempotency-Key",
        request.idempotencyKey(),
        Identifiers.MAX_IDEMPOTENCY_KEY_CHARS,
        invalid);
    if (!invalid.isEmpty()) {
      return record(
          API_CREDIT,
          null,
          CompletableFuture.failedFuture(new InvalidInputException(invalid)),
          System.nanoTime(),
          0);
    }
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
          leases.routed(settings.creditModel(), request.version(), firstId(request.applicants()));
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
      fallback = leases.lease(primary.name(), fallbackVersion);
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
    List<String> lookups = ApplicantAssembler.lookups(credit.encoder(), applicants);
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
                    metrics.stage(
                        ScoringObserver.STAGE_FEATURES,
                        version.name(),
                        version.version(),
                        System.nanoTime() - lookupStart);
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
    ApplicantAssembler.Assembled assembled =
        ApplicantAssembler.assemble(credit.encoder(), request.applicants(), stored);
    int n = assembled.size();
    int width = credit.encoder().width();
    String requestId =
        request.requestId() != null ? request.requestId() : UUID.randomUUID().toString();
    // With reasons by perturbation, each applicant's row is followed by one perturbed row per
    // field, all scored in the same inference call.
    boolean explain = settings.reasonCount() > 0;
    int per = explain ? credit.explainer().rowsPerApplicant() : 1;
    float[] input = per > 1 ? credit.explainer().expand(assembled.rows(), n) : assembled.rows();
    Tensor tensor =
        new Tensor(credit.input(), DataType.FP32, new long[] {(long) n * per, width}, input);
    DecisionPolicy policy = settings.policyOverride().applyTo(credit.decisionPolicy());
    metrics.stage(
        ScoringObserver.STAGE_ENCODE,
        version.name(),
        version.version(),
        System.nanoTime() - encodeStart);
    return runner
        .run(version, List.of(tensor), List.of(credit.output()), deadline(request.timeout()))
        .thenApply(
            out -> {
              CreditResult answer =
                  decider.decide(
                      new CreditDecider.Scored(
                          version,
                          credit,
                          policy,
                          requestId,
                          request.caller(),
                          assembled,
                          explain,
                          per),
                      (float[]) out.get(0).data());
              String shadow = router.shadow(version.name(), version.version());
              if (shadow != null) {
                try {
                  shadowExecutor.execute(
                      () -> shadow(version, shadow, assembled.applicants(), answer));
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
      shadow = leases.lease(primary.name(), shadowVersion);
    } catch (RuntimeException notServed) {
      metrics.shadowFailed(primary.name(), primary.version(), shadowVersion);
      return;
    }
    try {
      ModelVersion.Credit credit = shadow.credit().orElseThrow();
      int n = applicants.size();
      int width = credit.encoder().width();
      float[] rows = ApplicantAssembler.assemble(credit.encoder(), applicants, Map.of()).rows();
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

  private <T> CompletableFuture<T> record(
      String api, ModelVersion version, CompletableFuture<T> result, long start, int rows) {
    String model = version == null ? ScoringObserver.UNRESOLVED : version.name();
    String ver = version == null ? ScoringObserver.UNRESOLVED : version.version();
    return result.whenComplete(
        (ok, error) -> {
          if (version != null) {
            version.model().release();
          }
          String outcome = error == null ? ScoringObserver.OK : outcome(error);
          long nanos = System.nanoTime() - start;
          metrics.request(api, model, ver, outcome, nanos);
          if (error == null) {
            metrics.rows(api, model, ver, rows);
          }
          if (LOG.isDebugEnabled()) { // one line per call, in the call's trace (its MDC)
            LOG.debugf(
                "%s call to %s/%s: %s, %d row(s), %d µs",
                api, model, ver, outcome, rows, nanos / 1000);
          }
        });
  }

  private static String outcome(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return e instanceof ScoringException s ? s.kind().name().toLowerCase(Locale.ROOT) : "internal";
  }
}
