package io.creditscorer.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.creditscorer.PackagedService;
import io.creditscorer.api.grpc.credit.CreditScoringGrpc;
import io.creditscorer.api.grpc.credit.ScoreRequest;
import io.creditscorer.api.grpc.credit.ScoreResponse;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.ModelInferRequest;
import io.creditscorer.api.grpc.v2.ModelMetadataRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One hostile request at a time against the packaged service, over REST and gRPC: each is answered
 * with a clear 4xx ({@code INVALID_ARGUMENT}, {@code NOT_FOUND}, {@code RESOURCE_EXHAUSTED}) of at
 * most {@value #MAX_ERROR_BYTES} bytes; over the whole run resident memory grows by at most {@value
 * #MAX_RSS_GROWTH_MB} MB and the service's files by at most {@value #MAX_DISK_GROWTH_MB} MB; the
 * service is still ready at the end and restarts cleanly on the files it wrote.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class AbuseIT {

  static final int MAX_ERROR_BYTES = 16 * 1024;
  static final int MAX_RSS_GROWTH_MB = 150;
  static final int MAX_DISK_GROWTH_MB = 20;
  static final int BODY_LIMIT = 4 * 1024 * 1024;

  /** Every client call gives up after this: a request that takes longer is unbounded work. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  static final Path DIR = Path.of("target/abuse-it");
  static PackagedService service;
  static HttpClient http;
  static ManagedChannel channel;
  static long rssBefore;
  static long diskBefore;

  @BeforeAll
  static void start() throws Exception {
    io.creditscorer.TestModels.deleteRecursively(DIR);
    service =
        new PackagedService(
                DIR,
                List.of(
                    "-Dscorer.grpc.max-inflight=4",
                    "-Dscorer.grpc.burst-grace=0s",
                    "-Dscorer.control.admin-keys=abuse-admin-key-0123456789"))
            .start();
    http = client();
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcPort())
            .usePlaintext()
            .maxInboundMessageSize(8 << 20)
            .build();
    // Warm the paths the cases take, so what they cost is not the JIT's.
    for (int i = 0; i < 50; i++) {
      post("/v1/credit/score", Bodies.credit("warm-" + i, Bodies.applicant("W" + i)), null);
    }
    service.collectGarbage();
    rssBefore = service.residentBytes();

    diskBefore = service.stateBytes();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (service != null) {
      service.close();
    }
  }

  static HttpResponse<String> post(String path, String body, String idempotencyKey)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(service.uri(path))
            .timeout(PATIENCE)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client().send(request.timeout(PATIENCE).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A client of its own for each request, so each case gets a connection of its own: a case the
   * service answers and then closes the connection for (a body over the limit) must not leave the
   * next case a pooled connection that is already closing.
   */
  static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(PATIENCE)
        .build();
  }

  /** A clear refusal: one of {@code statuses}, an answer of bounded size. */
  static void refused(HttpResponse<String> r, Integer... statuses) {
    String what = r.request().method() + " " + r.request().uri().getPath();
    assertTrue(
        Set.of(statuses).contains(r.statusCode()),
        what + " answered " + r.statusCode() + ": " + head(r.body()));
    int bytes = r.body().getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes <= MAX_ERROR_BYTES, what + " answered " + bytes + " bytes");
  }

  static String head(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  static void refused(Runnable call, Status.Code... codes) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      assertTrue(Set.of(codes).contains(e.getStatus().getCode()), "answered " + e.getStatus());
      String description = e.getStatus().getDescription();
      assertTrue(
          description == null || description.length() <= MAX_ERROR_BYTES,
          "a description of " + (description == null ? 0 : description.length()) + " characters");
      return;
    }
    throw new AssertionError("the call was answered, not refused with " + Set.of(codes));
  }

  /** Ignores the answers; completes {@code end} with the status the stream ends with. */
  static StreamObserver<ScoreResponse> endsIn(CompletableFuture<Status> end) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ScoreResponse value) {}

      @Override
      public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        end.complete(Status.OK);
      }
    };
  }

  @Test
  void aHugeRequestIdWithThousandsOfIdOnlyApplicantsIsRefusedBeforeScoring() throws Exception {
    List<String> applicants = new ArrayList<>();
    for (int i = 0; i < 4096; i++) {
      applicants.add("{\"applicant_id\":\"A0001\"}");
    }
    String body =
        "{\"request_id\":\""
            + "r".repeat(100_000)
            + "\",\"applicants\":["
            + String.join(",", applicants)
            + "]}";
    refused(post("/v1/credit/score", body, null), 400);
  }

  @Test
  void fourMegabytesOfNonObjectApplicantsGetABoundedAnswer() throws Exception {
    StringBuilder body = new StringBuilder("{\"applicants\":[1");
    while (body.length() < BODY_LIMIT - 100) {
      body.append(",1");
    }
    refused(post("/v1/credit/score", body.append("]}").toString(), null), 400);
  }

  @Test
  void anApplicantWithTwoHundredThousandUnknownFieldsGetsABoundedAnswer() throws Exception {
    StringBuilder body = new StringBuilder("{\"applicants\":[{");
    for (int i = 0; i < 200_000 && body.length() < BODY_LIMIT - 100; i++) {
      body.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
    }
    refused(post("/v1/credit/score", body.append("}]}").toString(), null), 400);
  }

  @Test
  void aLongUnknownFieldNameIsNotEchoedInFull() throws Exception {
    String body = "{\"applicants\":[{\"" + "x".repeat(1_000_000) + "\":1}]}";
    refused(post("/v1/credit/score", body, null), 400);
  }

  @Test
  void aNumberBeyondDoubleIsInvalidWithOrWithoutAnIdempotencyKey() throws Exception {
    String body =
        Bodies.credit(
            "big-number", Bodies.applicant("A").replace("\"duration\":6", "\"duration\":1e400"));
    refused(post("/v1/credit/score", body, null), 400);
    refused(post("/v1/credit/score", body, "key-big-number"), 400);
  }

  @Test
  void identifiersAreBounded() throws Exception {
    refused(
        post("/v1/credit/score", Bodies.credit("r", Bodies.applicant("a".repeat(10_000))), null),
        400);
    refused(post("/v1/credit/score", Bodies.credit("\\ud800", Bodies.applicant("A")), null), 400);
    refused(
        post("/v1/credit/score", Bodies.credit("r-key", Bodies.applicant("A")), "k".repeat(300)),
        400);
    refused(post("/v2/models/credit-risk/versions/1/infer", Bodies.v2("i".repeat(200)), null), 400);
  }

  @Test
  void versionsInPathsAreCanonicalAsciiDigits() throws Exception {
    for (String version : new String[] {"02", "%D9%A2", "2%00"}) {
      refused(
          send(HttpRequest.newBuilder(service.uri("/v2/models/credit-risk/versions/" + version))),
          404,
          400);
    }
  }

  @Test
  void aChunkedBodyOverTheLimitIsRefused() throws Exception {
    assertEquals(
        413,
        io.creditscorer.ChunkedUpload.status(
            service.uri("/").getPort(), "/v1/credit/score", BODY_LIMIT + 1024));
  }

  @Test
  void deepNestingIsRefused() throws Exception {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    refused(post("/v1/credit/score", "{\"applicants\":" + deep + "}", null), 400);
    refused(post("/v2/models/credit-risk/infer", "{\"inputs\":" + deep + "}", null), 400);
  }

  @Test
  void anAbsurdShapeIsRefusedWithoutAllocating() throws Exception {
    refused(
        post(
            "/v2/models/credit-risk/versions/1/infer",
            "{\"inputs\":[{\"name\":\"features\",\"shape\":[4611686018427387904],"
                + "\"datatype\":\"FP32\",\"data\":[]}]}",
            null),
        400);
  }

  @Test
  void aTrailingSlashOnInferIsNeverAServerError() throws Exception {
    HttpResponse<String> r =
        post("/v2/models/credit-risk/versions/1/infer/", Bodies.v2("ok"), null);
    assertTrue(r.statusCode() == 200 || r.statusCode() == 404, r.statusCode() + " " + r.body());
  }

  @Test
  void aControlCallWithoutAKeyIsRefusedBeforeItsBodyIsRead() throws Exception {
    refused(
        send(
            HttpRequest.newBuilder(service.uri("/v2/repository/models/credit-risk/routing"))
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"x\":\"" + "y".repeat(3_000_000) + "\"}"))),
        401);
  }

  @Test
  void anOversizedHeaderIsRefused() throws Exception {
    refused(
        send(
            HttpRequest.newBuilder(service.uri("/v2/health/ready"))
                .header("X-Big", "h".repeat(20_000))),
        431,
        400);
  }

  @Test
  void outcomeIdsAreBounded() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/credit/outcomes",
            "{\"outcomes\":[{\"request_id\":\""
                + "o".repeat(10_000)
                + "\",\"defaulted\":true,\"observed_at\":\"2026-01-01T00:00:00Z\"}]}",
            null);
    assertTrue(
        r.statusCode() == 200 || r.statusCode() == 400, r.statusCode() + " " + head(r.body()));
    assertTrue(r.body().length() <= MAX_ERROR_BYTES);
    assertTrue(r.statusCode() == 400 || r.body().contains("\"invalid\""), head(r.body()));
  }

  @Test
  void groupLabelsAreBounded() throws Exception {
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 50_000; i++) {
      many.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":\"v\"");
    }
    many.append('}');
    for (String groups :
        List.of(many.toString(), "{\"sex\":\"" + "f".repeat(100_000) + "\"}", "[\"male\"]")) {
      HttpResponse<String> r =
          post(
              "/v1/credit/monitoring-attributes",
              "{\"attributes\":[{\"applicant_id\":\"A0001\",\"groups\":" + groups + "}]}",
              null);
      assertEquals(400, r.statusCode(), head(r.body()));
      assertTrue(r.body().length() <= MAX_ERROR_BYTES, head(r.body()));
    }
  }

  @Test
  void grpcAbsurdShapeIsInvalidArgument() {
    var stub =
        GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    refused(
        () ->
            stub.modelInfer(
                ModelInferRequest.newBuilder()
                    .setModelName("credit-risk")
                    .setModelVersion("1")
                    .addInputs(
                        ModelInferRequest.InferInputTensor.newBuilder()
                            .setName("features")
                            .setDatatype("FP32")
                            .addShape(4611686018427387904L))
                    .addRawInputContents(ByteString.EMPTY)
                    .build()),
        Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void grpcNonFiniteNumbersAndHugeIdsAreInvalidArgument() {
    var stub = CreditScoringGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    Struct nan =
        Bodies.struct("A").toBuilder()
            .putFields("duration", Value.newBuilder().setNumberValue(Double.NaN).build())
            .build();
    refused(
        () -> stub.score(ScoreRequest.newBuilder().addApplicants(nan).build()),
        Status.Code.INVALID_ARGUMENT);
    refused(
        () ->
            stub.score(
                ScoreRequest.newBuilder()
                    .setRequestId("r".repeat(100_000))
                    .addApplicants(Bodies.struct("A"))
                    .build()),
        Status.Code.INVALID_ARGUMENT);
    Metadata key = new Metadata();
    key.put(Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER), "k1");
    refused(
        () ->
            stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(key))
                .score(
                    ScoreRequest.newBuilder()
                        .addApplicants(
                            Bodies.struct("A").toBuilder()
                                .putFields(
                                    "duration",
                                    Value.newBuilder()
                                        .setNumberValue(Double.POSITIVE_INFINITY)
                                        .build())
                                .build())
                        .build()),
        Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void grpcManyUnknownFieldsGetADescriptionThatFitsTheTrailers() {
    var stub = CreditScoringGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    Struct.Builder s = Bodies.struct("A").toBuilder();
    for (int i = 0; i < 50_000; i++) {
      s.putFields("unknown-field-é-" + i, Value.newBuilder().setNumberValue(i).build());
    }
    refused(
        () -> stub.score(ScoreRequest.newBuilder().addApplicants(s).build()),
        Status.Code.INVALID_ARGUMENT);
    ListValue.Builder list = ListValue.newBuilder();
    for (int i = 0; i < 100_000; i++) {
      list.addValues(Value.newBuilder().setNumberValue(i));
    }
    Struct withList =
        Bodies.struct("A").toBuilder()
            .putFields("duration", Value.newBuilder().setListValue(list).build())
            .build();
    refused(
        () -> stub.score(ScoreRequest.newBuilder().addApplicants(withList).build()),
        Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void grpcStreamWithOneIdempotencyKeyIsRefusedClearly() throws Exception {
    Metadata key = new Metadata();
    key.put(Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER), "stream-key");
    CompletableFuture<Status> closed = new CompletableFuture<>();
    StreamObserver<ScoreRequest> requests =
        CreditScoringGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(key))
            .scoreStream(endsIn(closed));
    requests.onNext(ScoreRequest.newBuilder().addApplicants(Bodies.struct("A")).build());
    requests.onCompleted();
    assertEquals(Status.Code.INVALID_ARGUMENT, closed.get(10, TimeUnit.SECONDS).getCode());
  }

  @Test
  void grpcVersionsAreCanonical() {
    var stub =
        GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    for (String version : new String[] {"02", "٢"}) {
      refused(
          () ->
              stub.modelMetadata(
                  ModelMetadataRequest.newBuilder()
                      .setName("credit-risk")
                      .setVersion(version)
                      .build()),
          Status.Code.NOT_FOUND);
    }
  }

  @Test
  void grpcScoringCallsBeyondTheLimitAreResourceExhausted() throws Exception {
    List<StreamObserver<ScoreRequest>> open = new ArrayList<>();
    List<CompletableFuture<Status>> ends = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      CompletableFuture<Status> end = new CompletableFuture<>();
      ends.add(end);
      open.add(CreditScoringGrpc.newStub(channel).scoreStream(endsIn(end)));
    }
    // Four streams are admitted and stay open; the others are refused at once.
    int refusedCalls = 0;
    for (CompletableFuture<Status> end : ends) {
      try {
        Status s = end.get(2, TimeUnit.SECONDS);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode(), s.toString());
        refusedCalls++;
      } catch (java.util.concurrent.TimeoutException stillOpen) {
        // admitted
      }
    }
    assertEquals(4, refusedCalls);
    for (StreamObserver<ScoreRequest> o : open) {
      o.onCompleted();
    }
    for (CompletableFuture<Status> end : ends) {
      end.get(10, TimeUnit.SECONDS);
    }
    // Admitted again once they are closed.
    ScoreResponse r =
        CreditScoringGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .score(ScoreRequest.newBuilder().addApplicants(Bodies.struct("A")).build());
    assertEquals(1, r.getResultsCount());
  }

  @Test
  void zzzTheServiceStaysReadyWithinItsMemoryAndDiskBoundsAndRestartsCleanly() throws Exception {
    assertEquals(200, service.status(http, "/q/health/ready"));
    service.collectGarbage(); // what the run left behind, not the garbage it has yet to collect
    long rssGrowth = service.residentBytes() - rssBefore;

    long diskGrowth = service.stateBytes() - diskBefore;
    System.out.printf(
        "abuse run: resident memory %+d MB, the service's files %+d KB%n",
        rssGrowth >> 20, diskGrowth >> 10);
    assertTrue(
        rssGrowth <= MAX_RSS_GROWTH_MB << 20,
        "resident memory grew by " + (rssGrowth >> 20) + " MB");
    assertTrue(
        diskGrowth <= MAX_DISK_GROWTH_MB << 20,
        "the service's files grew by " + (diskGrowth >> 20) + " MB");
    service.stop();
    service.start();
    assertEquals(200, service.status(http, "/q/health/ready"));
    assertTrue(Files.readString(service.log()).contains("started"), "a clean second start");
  }
}
