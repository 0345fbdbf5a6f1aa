package io.creditscorer.api.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.api.grpc.credit.CreditScoringGrpc;
import io.creditscorer.api.grpc.credit.LoanOutcome;
import io.creditscorer.api.grpc.credit.OutcomeResult;
import io.creditscorer.api.grpc.credit.OutcomesRequest;
import io.creditscorer.api.grpc.credit.OutcomesResponse;
import io.creditscorer.api.grpc.credit.ScoreRequest;
import io.creditscorer.api.grpc.credit.ScoreResponse;
import io.creditscorer.training.Arff;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code CreditScoring.ReportOutcomes} with a real grpc-java client. */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class GrpcFeedbackTest {

  static ManagedChannel channel;

  @BeforeAll
  static void connect() throws Exception {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    GrpcCreditTest.arff = Arff.read(Path.of("data/credit-g.arff"));
  }

  @AfterAll
  static void disconnect() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static LoanOutcome.Builder outcome(String requestId, Instant observedAt) {
    return LoanOutcome.newBuilder()
        .setRequestId(requestId)
        .setObservedAt(
            Timestamp.newBuilder()
                .setSeconds(observedAt.getEpochSecond())
                .setNanos(observedAt.getNano()));
  }

  @Test
  void outcomesJoinDecisionsMadeOverGrpc() {
    CreditScoringGrpc.CreditScoringBlockingStub stub = CreditScoringGrpc.newBlockingStub(channel);
    String requestId = "g-fb-" + UUID.randomUUID();
    ScoreResponse scored =
        stub.score(
            ScoreRequest.newBuilder()
                .setRequestId(requestId)
                .setModelVersion("2")
                .addApplicants(GrpcCreditTest.applicant(1, "G-" + UUID.randomUUID()))
                .build());
    Instant now = Instant.now();
    OutcomesResponse r =
        stub.reportOutcomes(
            OutcomesRequest.newBuilder()
                .addOutcomes(outcome(requestId, now).setDefaulted(true))
                .addOutcomes(outcome(requestId, now).setDefaulted(true))
                .addOutcomes(outcome(requestId, now).setDefaulted(false))
                .addOutcomes(outcome("g-unknown", now).setDefaulted(false))
                .addOutcomes(outcome(requestId, now)) // no defaulted
                .build());
    assertEquals(
        List.of("accepted", "duplicate", "contradicting", "unknown_request_id", "invalid"),
        r.getResultsList().stream().map(OutcomeResult::getResult).toList());
    OutcomeResult accepted = r.getResults(0);
    assertEquals("2", accepted.getModelVersion());
    assertEquals(
        scored.getResults(0).getProbabilityOfDefault(), accepted.getProbabilityOfDefault(), 0);
    assertEquals(scored.getResults(0).getDecision(), accepted.getDecision());
    assertTrue(r.getResults(2).getRecordedDefaulted(), "the first outcome is kept");
    assertFalse(r.getResults(3).hasRecordedDefaulted());
    assertEquals("outcomes[4].defaulted", r.getResults(4).getFields(0).getField());
    assertEquals(1, r.getCountsOrThrow("accepted"));
    assertTrue(r.getRecordedAt().getSeconds() >= now.getEpochSecond() - 1);
  }

  @Test
  void anEmptyReportIsInvalidArgument() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                CreditScoringGrpc.newBlockingStub(channel)
                    .reportOutcomes(OutcomesRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(
        e.getStatus().getDescription().startsWith("outcomes:"), e.getStatus().getDescription());
  }

  @Test
  void groupLabelsTravelWithOutcomesAndOnlyTheMonitoredOnes() {
    CreditScoringGrpc.CreditScoringBlockingStub stub = CreditScoringGrpc.newBlockingStub(channel);
    String requestId = "g-labels-" + UUID.randomUUID();
    stub.score(
        ScoreRequest.newBuilder()
            .setRequestId(requestId)
            .setModelVersion("2")
            .addApplicants(GrpcCreditTest.applicant(1, "GL-" + UUID.randomUUID()))
            .build());
    Instant now = Instant.now();
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.reportOutcomes(
                    OutcomesRequest.newBuilder()
                        .addOutcomes(
                            outcome(requestId, now).setDefaulted(false).putGroups("sex", "other"))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(
        e.getStatus().getDescription().contains("outcomes[0].groups.sex"),
        e.getStatus().getDescription());
    OutcomesResponse r =
        stub.reportOutcomes(
            OutcomesRequest.newBuilder()
                .addOutcomes(
                    outcome(requestId, now)
                        .setDefaulted(false)
                        .putGroups("sex", "female")
                        .putGroups("age_band", "55+"))
                .build());
    assertEquals("accepted", r.getResults(0).getResult());
  }
}
