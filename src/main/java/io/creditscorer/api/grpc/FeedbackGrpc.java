package io.creditscorer.api.grpc;

import com.google.protobuf.Timestamp;
import io.creditscorer.api.grpc.credit.FieldProblem;
import io.creditscorer.api.grpc.credit.LoanOutcome;
import io.creditscorer.api.grpc.credit.OutcomeResult;
import io.creditscorer.api.grpc.credit.OutcomesRequest;
import io.creditscorer.api.grpc.credit.OutcomesResponse;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.feedback.OutcomeReport;
import io.creditscorer.feedback.StoredDecision;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The outcome feedback messages of {@code CreditScoring.ReportOutcomes} to and from the engine. */
final class FeedbackGrpc {

  private FeedbackGrpc() {}

  static List<OutcomeReport> toEngine(OutcomesRequest request) {
    List<OutcomeReport> outcomes = new ArrayList<>(request.getOutcomesCount());
    for (LoanOutcome o : request.getOutcomesList()) {
      List<FieldError> problems = new ArrayList<>();
      Instant observedAt = null;
      if (o.hasObservedAt()) {
        try {
          Timestamp t = o.getObservedAt();
          observedAt = Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
        } catch (DateTimeException | ArithmeticException e) {
          problems.add(new FieldError("observed_at", "is not a valid time: " + e.getMessage()));
        }
      }
      outcomes.add(
          new OutcomeReport(
              InferenceGrpcService.emptyToNull(o.getRequestId()),
              InferenceGrpcService.emptyToNull(o.getApplicantId()),
              o.hasDefaulted() ? o.getDefaulted() : null,
              observedAt,
              problems,
              o.getGroupsMap()));
    }
    return outcomes;
  }

  /** {@code reveal}: as in the REST door, the decision's numbers only for the auditor role. */
  static OutcomesResponse toProto(OutcomeFeedback.OutcomeReply reply, boolean reveal) {
    OutcomesResponse.Builder b =
        OutcomesResponse.newBuilder().setRecordedAt(timestamp(reply.recordedAt()));
    reply.counts().forEach((r, n) -> b.putCounts(r.wireName(), n));
    for (io.creditscorer.feedback.OutcomeResult r : reply.results()) {
      OutcomeResult.Builder result =
          OutcomeResult.newBuilder().setIndex(r.index()).setResult(r.result().wireName());
      if (r.requestId() != null) {
        result.setRequestId(r.requestId());
      }
      if (r.applicantId() != null) {
        result.setApplicantId(r.applicantId());
      }
      StoredDecision d = r.decision();
      if (d != null) {
        result.setModelName(d.modelName()).setModelVersion(d.modelVersion());
        if (reveal) {
          result.setProbabilityOfDefault(d.probabilityOfDefault()).setDecision(d.decision());
        }
        if (reveal && d.outcome() != null) {
          result.setRecordedDefaulted(d.outcome().defaulted());
        }
      }
      if (r.message() != null) {
        result.setMessage(r.message());
      }
      r.errors()
          .forEach(
              f ->
                  result.addFields(
                      FieldProblem.newBuilder().setField(f.field()).setProblem(f.problem())));
      b.addResults(result);
    }
    return b.build();
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
