package io.creditscorer.api.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.creditscorer.api.Incidents;
import io.creditscorer.api.grpc.credit.ApplicantResult;
import io.creditscorer.api.grpc.credit.CreditScoringGrpc;
import io.creditscorer.api.grpc.credit.FieldProblem;
import io.creditscorer.api.grpc.credit.OutcomesRequest;
import io.creditscorer.api.grpc.credit.OutcomesResponse;
import io.creditscorer.api.grpc.credit.Reason;
import io.creditscorer.api.grpc.credit.ScoreError;
import io.creditscorer.api.grpc.credit.ScoreRequest;
import io.creditscorer.api.grpc.credit.ScoreResponse;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.ScoringException;
import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.scoring.CreditRequest;
import io.creditscorer.scoring.CreditResult;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.security.Roles;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Credit scoring for internal callers over gRPC: the same engine call as the credit REST API. */
@GrpcService
public class CreditGrpcService extends CreditScoringGrpc.CreditScoringImplBase {

  /** Requests of one stream being scored at once; also how far the server reads ahead. */
  static final int STREAM_WINDOW = 8;

  private final ScoringEngine engine;
  private final OutcomeFeedback feedback;
  private final CurrentIdentityAssociation identity;
  private final GrpcRoles roles;

  /** The most requests any stream has held unanswered: the read-ahead bound, observable. */
  private final java.util.concurrent.atomic.AtomicInteger mostPending =
      new java.util.concurrent.atomic.AtomicInteger();

  public CreditGrpcService(
      ScoringEngine engine,
      OutcomeFeedback feedback,
      CurrentIdentityAssociation identity,
      GrpcRoles roles) {
    this.roles = roles;
    this.engine = engine;
    this.feedback = feedback;
    this.identity = identity;
  }

  /** The most requests one stream has held unanswered so far (never above the window). */
  int mostPending() {
    return mostPending.get();
  }

  @Override
  public void score(ScoreRequest request, StreamObserver<ScoreResponse> out) {
    String idempotencyKey = CallMetadataInterceptor.IDEMPOTENCY_KEY.get();
    roles.require(Roles.SCORER, out, caller -> score(request, idempotencyKey, caller, out));
  }

  private void score(
      ScoreRequest request,
      String idempotencyKey,
      String caller,
      StreamObserver<ScoreResponse> out) {
    try {
      engine
          .score(toEngine(request, idempotencyKey, caller))
          .whenComplete(
              (result, error) -> {
                if (error != null) {
                  out.onError(GrpcErrors.toStatus(error));
                } else {
                  InferenceGrpcService.reply(out, toProto(result));
                }
              });
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  /** Joins outcomes to decisions; blocking (writes the store), so it runs on a worker thread. */
  @Override
  @Blocking
  @RolesAllowed(Roles.OUTCOME_REPORTER)
  public void reportOutcomes(OutcomesRequest request, StreamObserver<OutcomesResponse> out) {
    try {
      InferenceGrpcService.reply(
          out,
          FeedbackGrpc.toProto(
              feedback.report(FeedbackGrpc.toEngine(request)),
              identity.getIdentity().hasRole(Roles.AUDITOR)));
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  @Override
  public StreamObserver<ScoreRequest> scoreStream(StreamObserver<ScoreResponse> out) {
    ServerCallStreamObserver<ScoreResponse> call = (ServerCallStreamObserver<ScoreResponse>) out;
    if (CallMetadataInterceptor.IDEMPOTENCY_KEY.get() != null) {
      // One key for a whole stream would make every later message a retry of the first.
      call.onError(
          Status.INVALID_ARGUMENT
              .withDescription(
                  "idempotency-key metadata names one request, and a ScoreStream carries many:"
                      + " send idempotent requests with Score, one key each")
              .asRuntimeException());
      return new StreamObserver<>() {
        @Override
        public void onNext(ScoreRequest ignored) {}

        @Override
        public void onError(Throwable ignored) {}

        @Override
        public void onCompleted() {}
      };
    }
    call.disableAutoRequest();
    Stream stream = new Stream(call);
    if (roles.enabled()) {
      roles.withIdentity(
          id -> {
            stream.caller = id.getPrincipal().getName();
            stream.access.complete(id.hasRole(Roles.SCORER) ? Status.OK : GrpcRoles.refusal(id));
          },
          call);
    } else {
      stream.access.complete(Status.OK);
    }
    stream.access.thenAccept(
        s -> {
          if (!s.isOk()) {
            stream.deny(s);
          }
        });
    call.setOnReadyHandler(stream::drain);
    call.setOnCancelHandler(stream::cancel);
    call.request(STREAM_WINDOW);
    return stream;
  }

  /**
   * One bidirectional stream. At most {@link #STREAM_WINDOW} requests are read ahead of the answers
   * sent: a new request is asked for only when an answer has gone out, and answers go out only
   * while the transport is ready, so a slow reader slows the stream instead of filling memory.
   * Answers leave in request order.
   */
  private final class Stream implements StreamObserver<ScoreRequest> {
    private final ServerCallStreamObserver<ScoreResponse> call;
    private final ArrayDeque<CompletableFuture<ScoreResponse>> pending = new ArrayDeque<>();
    private boolean halfClosed;
    private boolean done;

    /** Whether the caller may score: known once the security stack has its identity. */
    final CompletableFuture<Status> access = new CompletableFuture<>();

    /** Who the caller is; set before {@link #access} completes, {@code null} with auth off. */
    String caller;

    Stream(ServerCallStreamObserver<ScoreResponse> call) {
      this.call = call;
    }

    @Override
    public void onNext(ScoreRequest request) {
      CompletableFuture<ScoreResponse> answer =
          access.thenCompose(
              s -> {
                if (!s.isOk()) {
                  return new CompletableFuture<>(); // the stream is ended with the refusal
                }
                try {
                  return engine
                      .score(toEngine(request, null, caller))
                      .thenApply(CreditGrpcService::toProto);
                } catch (RuntimeException e) {
                  return CompletableFuture.failedFuture(e);
                }
              });
      CompletableFuture<ScoreResponse> inOrder =
          answer.exceptionally(e -> errorResponse(request, GrpcErrors.unwrap(e)));
      synchronized (this) {
        pending.addLast(inOrder);
        mostPending.accumulateAndGet(pending.size(), Math::max);
      }
      inOrder.whenComplete((r, e) -> drain());
    }

    synchronized void drain() {
      if (done) {
        return;
      }
      while (!pending.isEmpty() && pending.peekFirst().isDone() && call.isReady()) {
        call.onNext(pending.pollFirst().join());
        call.request(1);
      }
      if (halfClosed && pending.isEmpty()) {
        done = true;
        call.onCompleted();
      }
    }

    @Override
    public void onError(Throwable t) {
      cancel();
    }

    @Override
    public synchronized void onCompleted() {
      halfClosed = true;
      drain();
    }

    /** Ends the stream with {@code refusal}: the caller may not score. */
    synchronized void deny(Status refusal) {
      if (!done) {
        done = true;
        pending.clear();
        call.onError(refusal.asRuntimeException());
      }
    }

    synchronized void cancel() {
      done = true;
      pending.clear();
    }
  }

  private static ScoreResponse errorResponse(ScoreRequest request, Throwable e) {
    ScoreError.Builder error = ScoreError.newBuilder();
    if (e instanceof ScoringException s && s.kind() != ScoringException.Kind.INTERNAL) {
      error.setCode(GrpcErrors.code(s.kind()).name()).setMessage(s.getMessage());
      if (s instanceof InvalidInputException i) {
        i.errors()
            .forEach(
                f ->
                    error.addFields(
                        FieldProblem.newBuilder()
                            .setField(f.field() == null ? "" : f.field())
                            .setProblem(f.problem())));
      }
    } else {
      error
          .setCode(Incidents.CODE)
          .setMessage(Incidents.answer(Incidents.report("gRPC stream message failed", e)));
    }
    return ScoreResponse.newBuilder().setRequestId(request.getRequestId()).setError(error).build();
  }

  static CreditRequest toEngine(ScoreRequest request, String idempotencyKey, String caller) {
    List<Map<String, Object>> applicants = new ArrayList<>(request.getApplicantsCount());
    for (Struct s : request.getApplicantsList()) {
      applicants.add(plain(s));
    }
    return new CreditRequest(
        InferenceGrpcService.emptyToNull(request.getRequestId()),
        InferenceGrpcService.emptyToNull(request.getModelVersion()),
        applicants,
        InferenceGrpcService.deadline(),
        idempotencyKey,
        caller);
  }

  static ScoreResponse toProto(CreditResult r) {
    ScoreResponse.Builder b =
        ScoreResponse.newBuilder()
            .setRequestId(r.requestId())
            .setModelName(r.modelName())
            .setModelVersion(r.modelVersion())
            .setPolicyVersion(r.policyVersion())
            .setDegraded(r.degraded());
    for (CreditResult.Applicant a : r.results()) {
      ApplicantResult.Builder result =
          ApplicantResult.newBuilder()
              .setProbabilityOfDefault(a.probabilityOfDefault())
              .setScore(a.score())
              .setDecision(a.decision().wireName());
      if (a.policyRule() != null) {
        result.setPolicyRule(a.policyRule());
      }
      for (io.creditscorer.decision.Reason reason : a.reasons()) {
        result.addReasons(
            Reason.newBuilder()
                .setCode(reason.code())
                .setDescription(reason.description())
                .setFeature(reason.feature())
                .setImpact(reason.impact()));
      }
      if (a.applicantId() != null) {
        result.setApplicantId(a.applicantId());
      }
      b.addResults(result);
    }
    return b.build();
  }

  /** A Struct as the plain Java values a JSON parser yields. */
  static Map<String, Object> plain(Struct s) {
    Map<String, Object> map = new LinkedHashMap<>();
    s.getFieldsMap().forEach((k, v) -> map.put(k, plain(v)));
    return map;
  }

  private static Object plain(Value v) {
    return switch (v.getKindCase()) {
      case NUMBER_VALUE -> v.getNumberValue();
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case STRUCT_VALUE -> plain(v.getStructValue());
      case LIST_VALUE -> list(v.getListValue());
      case NULL_VALUE, KIND_NOT_SET -> null;
    };
  }

  private static List<Object> list(ListValue l) {
    List<Object> out = new ArrayList<>(l.getValuesCount());
    l.getValuesList().forEach(v -> out.add(plain(v)));
    return out;
  }
}
