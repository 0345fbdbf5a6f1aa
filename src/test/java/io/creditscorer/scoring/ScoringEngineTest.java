package io.creditscorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestModels;
import io.creditscorer.decision.Decision;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.ScoringException;
import io.creditscorer.features.SnapshotFeatureStore;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.routing.Router;
import io.creditscorer.spi.AuditRecord;
import io.creditscorer.spi.InferenceRunner;
import io.creditscorer.spi.ScoringObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine alone, without Quarkus: the shipped models' repository, a fake runner that answers
 * each input row with a probability of default the test chooses, and fake time.
 */
class ScoringEngineTest {

  static final String MODEL = "credit-risk";
  static ModelRepository repository;

  /** Each call the runner received: its version, feeds and deadline. */
  record Call(ModelVersion version, List<Tensor> feeds, long deadline) {}

  final AtomicLong now = new AtomicLong(1_000_000);
  final List<Call> calls = new ArrayList<>();
  final List<AuditRecord> audited = new ArrayList<>();
  final List<double[]> told = new ArrayList<>();
  double pd = 0.1;
  Throwable failure;
  ScoringEngine engine;

  @BeforeAll
  static void loadModels() {
    repository = TestModels.shippedModels();
  }

  @AfterAll
  static void closeModels() {
    repository.close();
  }

  /** Answers every row with {@link #pd} as the default column of a two-column output. */
  final InferenceRunner runner =
      new InferenceRunner() {
        @Override
        public CompletableFuture<List<Tensor>> run(
            ModelVersion version, List<Tensor> feeds, List<String> outputs, long deadline) {
          calls.add(new Call(version, feeds, deadline));
          if (failure != null) {
            return CompletableFuture.failedFuture(failure);
          }
          long rows = feeds.get(0).shape()[0];
          ModelVersion.Credit credit = version.credit().orElseThrow();
          float[] p = new float[(int) rows * credit.outputColumns()];
          for (int r = 0; r < rows; r++) {
            p[r * credit.outputColumns() + credit.defaultColumn()] = (float) pd;
            p[r * credit.outputColumns() + 1 - credit.defaultColumn()] = (float) (1 - pd);
          }
          return CompletableFuture.completedFuture(
              List.of(new Tensor(outputs.get(0), DataType.FP32, new long[] {rows, 2}, p)));
        }

        @Override
        public void close() {}
      };

  @BeforeEach
  void engine() throws Exception {
    engine = engine(0);
  }

  ScoringEngine engine(int reasons) throws Exception {
    EngineSettings d = EngineSettings.defaults(MODEL);
    return new ScoringEngine(
        repository,
        runner,
        new EngineSettings(
            d.maxRequestRows(),
            MODEL,
            d.defaultTimeout(),
            reasons,
            d.policyOverride(),
            d.idempotencyWindow(),
            d.idempotencyMaxBytes(),
            d.auditKey()),
        ScoringObserver.none(),
        now::get,
        audited::add,
        (version, applicants, decided) -> told.add(decided),
        SnapshotFeatureStore.load(Path.of("data/applicants.jsonl"), now::get),
        new Router(Map.of()),
        Runnable::run);
  }

  /** Row 0 of the German Credit data with an id. */
  static Map<String, Object> applicant(String id) {
    Map<String, Object> a = io.creditscorer.api.rest.CreditApiTest.applicant();
    a.put("applicant_id", id);
    return a;
  }

  CreditResult score(String version, List<Map<String, Object>> applicants) throws Exception {
    return engine.score(new CreditRequest("r-1", version, applicants, null, null)).get();
  }

  static ScoringException failureOf(CompletableFuture<?> future) {
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, future::get);
    return assertInstanceOf(ScoringException.class, e.getCause());
  }

  @Test
  void eachApplicantIsDecidedFromItsOwnRowAndAudited() throws Exception {
    pd = 0.9;
    CreditResult answer = score("1", List.of(applicant("A"), applicant("B")));
    ModelVersion v1 = repository.resolve(MODEL, "1");
    ModelVersion.Credit credit = v1.credit().orElseThrow();
    assertEquals(1, calls.size());
    Tensor input = calls.get(0).feeds().get(0);
    assertEquals(
        List.of(2L, (long) credit.encoder().width()), List.of(input.shape()[0], input.shape()[1]));
    assertEquals(List.of("A", "B"), answer.results().stream().map(r -> r.applicantId()).toList());
    for (CreditResult.Applicant a : answer.results()) {
      assertEquals(0.9, a.probabilityOfDefault(), 1e-6);
      assertEquals(credit.scoreScale().points(a.probabilityOfDefault()), a.score());
      assertEquals(credit.decisionPolicy().decide(a.probabilityOfDefault()), a.decision());
    }
    assertEquals(List.of("A", "B"), audited.stream().map(AuditRecord::applicantId).toList());
    assertEquals("r-1", audited.get(0).requestId());
    assertEquals(v1.sha256(), audited.get(0).modelSha256());
    assertEquals(1, told.size());
    assertEquals(2, told.get(0).length);
  }

  @Test
  void aLowProbabilityIsApproved() throws Exception {
    pd = 0.01;
    assertEquals(Decision.APPROVE, score("2", List.of(applicant("A"))).results().get(0).decision());
  }

  @Test
  void theDeadlineIsTheDefaultTimeoutOnTheInjectedTicker() throws Exception {
    score("1", List.of(applicant("A")));
    assertEquals(
        now.get() + EngineSettings.defaults(MODEL).defaultTimeout().toNanos(),
        calls.get(0).deadline());
    engine.score(
        new CreditRequest("r-2", "1", List.of(applicant("A")), Duration.ofMillis(5), null));
    assertEquals(now.get() + Duration.ofMillis(5).toNanos(), calls.get(1).deadline());
  }

  @Test
  void anApplicantGivenByIdAloneIsCompletedFromTheFeatureStore() throws Exception {
    score("1", List.of(applicant("A0000")));
    Tensor full = calls.get(0).feeds().get(0);
    score("1", List.of(new HashMap<>(Map.of("applicant_id", "A0000"))));
    Tensor byId = calls.get(1).feeds().get(0);
    assertTrue(java.util.Arrays.equals((float[]) full.data(), (float[]) byId.data()));
  }

  @Test
  void badInputIsAFailedFutureNamingEveryFieldAndNothingRuns() {
    Map<String, Object> bad = applicant("A");
    bad.put("age", "old");
    bad.put("purpose", "yacht");
    CompletableFuture<CreditResult> f =
        engine.score(new CreditRequest("r", "1", List.of(bad), null, null));
    ScoringException e = failureOf(f);
    InvalidInputException invalid = assertInstanceOf(InvalidInputException.class, e);
    assertEquals(2, invalid.errors().size());
    assertEquals(List.of(), calls);
    assertEquals(List.of(), audited);
  }

  @Test
  void anUnknownVersionIsNotFound() {
    ScoringException e =
        failureOf(engine.score(new CreditRequest("r", "9", List.of(applicant("A")), null, null)));
    assertEquals(ScoringException.Kind.NOT_FOUND, e.kind());
  }

  @Test
  void aRunnerFailureFailsTheFutureAndReleasesTheVersion() throws Exception {
    failure = ScoringException.overloaded("full");
    ScoringException e =
        failureOf(engine.score(new CreditRequest("r", "1", List.of(applicant("A")), null, null)));
    assertEquals(ScoringException.Kind.OVERLOADED, e.kind());
    assertEquals(List.of(), audited);
    failure = null;
    assertNotNull(score("1", List.of(applicant("A"))), "the version is still servable");
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyIsNotScoredAgain() throws Exception {
    CreditRequest request = new CreditRequest("r", "1", List.of(applicant("A")), null, "key-1");
    CreditResult first = engine.score(request).get();
    CreditResult again = engine.score(request).get();
    assertEquals(first, again);
    assertEquals(1, calls.size());
  }

  @Test
  void reasonsByPerturbationScoreEveryPerturbedRowInTheSameCall() throws Exception {
    engine = engine(3);
    ModelVersion v1 = repository.resolve(MODEL, "1");
    int perApplicant = v1.credit().orElseThrow().explainer().rowsPerApplicant();
    CreditResult answer = score("1", List.of(applicant("A"), applicant("B")));
    assertEquals(1, calls.size());
    assertEquals(2L * perApplicant, calls.get(0).feeds().get(0).shape()[0]);
    // Every perturbed row scores the same here, so no field moves the answer.
    assertEquals(List.of(), answer.results().get(0).reasons());
  }

  @Test
  void v2InputsAreCheckedAgainstTheSchemaBeforeAnythingRuns() {
    Tensor wrong = new Tensor("features", DataType.FP32, new long[] {1, 3}, new float[3]);
    CompletableFuture<InferResult> f =
        engine.infer(new InferRequest(MODEL, "1", "id", List.of(wrong), null, null));
    assertEquals(ScoringException.Kind.INVALID_INPUT, failureOf(f).kind());
    assertEquals(List.of(), calls);
  }
}
