package io.creditscorer.api.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.api.grpc.credit.CreditScoringGrpc;
import io.creditscorer.api.grpc.credit.ScoreRequest;
import io.creditscorer.api.grpc.credit.ScoreResponse;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The credit-scoring gRPC service with a real grpc-java client. */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class GrpcCreditTest {

  static ManagedChannel channel;
  static Arff arff;

  @jakarta.inject.Inject @io.quarkus.grpc.GrpcService CreditGrpcService service;

  @BeforeAll
  static void connect() throws Exception {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    arff = Arff.read(Path.of("data/credit-g.arff"));
  }

  @AfterAll
  static void disconnect() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static Struct applicant(int row, String id) {
    Struct.Builder s = Struct.newBuilder();
    s.putFields("applicant_id", Value.newBuilder().setStringValue(id).build());
    for (Map.Entry<String, Object> e :
        TrainCreditModels.applicant(arff.rows().get(row)).entrySet()) {
      Value v =
          e.getValue() instanceof Number n
              ? Value.newBuilder().setNumberValue(n.doubleValue()).build()
              : Value.newBuilder().setStringValue((String) e.getValue()).build();
      s.putFields(e.getKey(), v);
    }
    return s.build();
  }

  @Test
  void scoreGivesTheSameAnswersAsTheRestApi() {
    ScoreResponse r =
        CreditScoringGrpc.newBlockingStub(channel)
            .score(
                ScoreRequest.newBuilder()
                    .setRequestId("g-7")
                    .setModelVersion("1")
                    .addApplicants(applicant(0, "A0000"))
                    .addApplicants(applicant(1, "A0001"))
                    .build());
    assertEquals("g-7", r.getRequestId());
    assertEquals("1", r.getModelVersion());
    assertEquals(TestRepositoryResource.POLICY_VERSION, r.getPolicyVersion());
    assertEquals(
        List.of("A0000", "A0001"),
        r.getResultsList().stream().map(a -> a.getApplicantId()).toList());
    Map<String, Object> body =
        Map.of(
            "applicants",
            List.of(
                TrainCreditModels.applicant(arff.rows().get(0)),
                TrainCreditModels.applicant(arff.rows().get(1))));
    List<Float> rest =
        RestAssured.given()
            .contentType("application/json")
            .body(body)
            .post("/v1/credit/score?version=1")
            .then()
            .statusCode(200)
            .extract()
            .path("results.probability_of_default");
    List<Integer> restScores =
        RestAssured.given()
            .contentType("application/json")
            .body(body)
            .post("/v1/credit/score?version=1")
            .then()
            .extract()
            .path("results.score");
    assertTrue(r.getResults(1).getReasonsCount() > 0, "reason codes travel over gRPC too");
    for (int i = 0; i < 2; i++) {
      assertEquals(rest.get(i), r.getResults(i).getProbabilityOfDefault(), 1e-6);
      assertEquals(restScores.get(i), r.getResults(i).getScore());
    }
  }

  @Test
  void badApplicantsAreInvalidArgumentListingEveryField() {
    Struct bad =
        applicant(3, "X").toBuilder()
            .putFields("age", Value.newBuilder().setNumberValue(7).build())
            .putFields("personal_status", Value.newBuilder().setStringValue("male single").build())
            .removeFields("housing")
            .build();
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                CreditScoringGrpc.newBlockingStub(channel)
                    .score(ScoreRequest.newBuilder().addApplicants(bad).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    String d = e.getStatus().getDescription();
    assertTrue(d.contains("applicants[0].age: must be at least 18"), d);
    assertTrue(d.contains("applicants[0].personal_status: is a protected attribute"), d);
    assertTrue(d.contains("applicants[0].housing: is required"), d);
    StatusRuntimeException empty =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                CreditScoringGrpc.newBlockingStub(channel)
                    .score(ScoreRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
  }

  @Test
  void aHundredThousandApplicantStreamCompletesInOrderUnderClientFlowControl() throws Exception {
    int requests = 1000;
    int perRequest = 100;
    ScoreRequest[] template = new ScoreRequest[10];
    for (int t = 0; t < template.length; t++) {
      ScoreRequest.Builder b = ScoreRequest.newBuilder();
      for (int a = 0; a < perRequest; a++) {
        b.addApplicants(applicant((t * perRequest + a) % 1000, "x"));
      }
      template[t] = b.build();
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger received = new AtomicInteger();
    AtomicInteger applicants = new AtomicInteger();
    AtomicInteger outOfOrder = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    CreditScoringGrpc.newStub(channel)
        .scoreStream(
            new ClientResponseObserver<ScoreRequest, ScoreResponse>() {
              int sent;
              ClientCallStreamObserver<ScoreRequest> out;

              @Override
              public void beforeStart(ClientCallStreamObserver<ScoreRequest> requestStream) {
                out = requestStream;
                // Send only while the transport can take more: the client's side of flow control.
                requestStream.setOnReadyHandler(
                    () -> {
                      synchronized (this) {
                        while (out.isReady() && sent < requests) {
                          out.onNext(
                              template[sent % template.length].toBuilder()
                                  .setRequestId(Integer.toString(sent))
                                  .build());
                          sent++;
                        }
                        if (sent == requests) {
                          sent++;
                          out.onCompleted();
                        }
                      }
                    });
              }

              @Override
              public void onNext(ScoreResponse r) {
                int n = received.getAndIncrement();
                if (!r.getRequestId().equals(Integer.toString(n))) {
                  outOfOrder.incrementAndGet();
                }
                if (r.hasError()) {
                  errors.incrementAndGet();
                }
                applicants.addAndGet(r.getResultsCount());
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.complete(null);
              }
            });
    done.get(300, TimeUnit.SECONDS);
    assertEquals(requests, received.get());
    assertEquals(0, outOfOrder.get(), "answers arrive in request order");
    assertEquals(0, errors.get());
    assertEquals(requests * perRequest, applicants.get());
    // Memory stays flat because the server never reads further ahead than its window.
    assertTrue(
        service.mostPending() <= CreditGrpcService.STREAM_WINDOW,
        "read-ahead " + service.mostPending());
    assertTrue(service.mostPending() >= 1);
  }

  @Test
  void aBadItemInAStreamIsAnsweredInPlaceAndTheStreamGoesOn() throws Exception {
    CompletableFuture<List<ScoreResponse>> all = new CompletableFuture<>();
    List<ScoreResponse> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    var in =
        CreditScoringGrpc.newStub(channel)
            .scoreStream(
                new io.grpc.stub.StreamObserver<>() {
                  @Override
                  public void onNext(ScoreResponse r) {
                    got.add(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    all.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    all.complete(got);
                  }
                });
    in.onNext(
        ScoreRequest.newBuilder().setRequestId("a").addApplicants(applicant(5, "ok-1")).build());
    in.onNext(
        ScoreRequest.newBuilder()
            .setRequestId("b")
            .addApplicants(
                applicant(6, "bad").toBuilder()
                    .putFields("purpose", Value.newBuilder().setStringValue("yacht").build()))
            .build());
    in.onNext(
        ScoreRequest.newBuilder().setRequestId("c").addApplicants(applicant(7, "ok-2")).build());
    in.onCompleted();
    List<ScoreResponse> r = all.get(30, TimeUnit.SECONDS);
    assertEquals(List.of("a", "b", "c"), r.stream().map(ScoreResponse::getRequestId).toList());
    assertEquals(1, r.get(0).getResultsCount());
    assertEquals("INVALID_ARGUMENT", r.get(1).getError().getCode());
    assertEquals("applicants[0].purpose", r.get(1).getError().getFields(0).getField());
    assertEquals("ok-2", r.get(2).getResults(0).getApplicantId());
  }
}
