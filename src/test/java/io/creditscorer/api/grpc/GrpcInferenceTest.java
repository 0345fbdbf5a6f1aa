package io.creditscorer.api.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.InferParameter;
import io.creditscorer.api.grpc.v2.InferTensorContents;
import io.creditscorer.api.grpc.v2.ModelInferRequest;
import io.creditscorer.api.grpc.v2.ModelInferRequest.InferInputTensor;
import io.creditscorer.api.grpc.v2.ModelInferResponse;
import io.creditscorer.api.grpc.v2.ModelMetadataRequest;
import io.creditscorer.api.grpc.v2.ModelMetadataResponse;
import io.creditscorer.api.grpc.v2.ModelReadyRequest;
import io.creditscorer.api.grpc.v2.ServerLiveRequest;
import io.creditscorer.api.grpc.v2.ServerMetadataRequest;
import io.creditscorer.api.grpc.v2.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Open Inference Protocol over gRPC, called with generated grpc-java stubs on a real port. */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class GrpcInferenceTest {

  static final int WIDTH = 55;
  static ManagedChannel channel;
  static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

  @BeforeAll
  static void connect() {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void disconnect() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static float[] rows(int n) {
    float[] f = new float[n * WIDTH];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) Math.sin(i * 0.37);
    }
    return f;
  }

  static InferInputTensor.Builder features(int n) {
    return InferInputTensor.newBuilder()
        .setName("features")
        .setDatatype("FP32")
        .addShape(n)
        .addShape(WIDTH);
  }

  static InferInputTensor typed(int n, float[] data) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (float v : data) {
      c.addFp32Contents(v);
    }
    return features(n).setContents(c).build();
  }

  static ByteString raw(float[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return ByteString.copyFrom(b.array());
  }

  static float[] floats(ByteString raw) {
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[raw.size() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }

  static float[] floats(ModelInferResponse.InferOutputTensor t) {
    float[] f = new float[t.getContents().getFp32ContentsCount()];
    for (int i = 0; i < f.length; i++) {
      f[i] = t.getContents().getFp32Contents(i);
    }
    return f;
  }

  static StatusRuntimeException fails(Status.Code code, ModelInferRequest request, String text) {
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request));
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(text), e.getStatus().getDescription());
    return e;
  }

  @Test
  void serverAndModelStatus() {
    assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    assertEquals(
        "credit-scorer", stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName());
    assertTrue(
        stub.modelReady(ModelReadyRequest.newBuilder().setName("credit-risk").build()).getReady());
    assertTrue(
        stub.modelReady(
                ModelReadyRequest.newBuilder().setName("credit-risk").setVersion("1").build())
            .getReady());
    assertFalse(
        stub.modelReady(ModelReadyRequest.newBuilder().setName("broken").setVersion("2").build())
            .getReady());
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void modelMetadataMatchesRest() {
    ModelMetadataResponse m =
        stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("credit-risk").build());
    assertEquals(List.of("1", "2"), m.getVersionsList());
    assertEquals("onnxruntime_onnx", m.getPlatform());
    assertEquals(List.of(-1L, (long) WIDTH), m.getInputs(0).getShapeList());
    assertEquals("FP32", m.getOutputs(0).getDatatype());
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.modelMetadata(
                    ModelMetadataRequest.newBuilder()
                        .setName("credit-risk")
                        .setVersion("9")
                        .build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void typedAndRawContentsGiveIdenticalResults() {
    float[] data = rows(3);
    ModelInferResponse typed =
        stub.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName("credit-risk")
                .setModelVersion("1")
                .setId("g-1")
                .addInputs(typed(3, data))
                .build());
    ModelInferResponse raw =
        stub.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName("credit-risk")
                .setModelVersion("1")
                .addInputs(features(3))
                .addRawInputContents(raw(data))
                .build());
    assertEquals("g-1", typed.getId());
    assertEquals("1", typed.getModelVersion());
    assertEquals(List.of(3L, 2L), typed.getOutputs(0).getShapeList());
    assertEquals(6, floats(typed.getOutputs(0)).length);
    // Raw inputs, raw outputs (what Triton's clients read); typed inputs, typed outputs (KServe's).
    assertEquals(0, typed.getRawOutputContentsCount());
    assertEquals(1, raw.getRawOutputContentsCount());
    assertFalse(raw.getOutputs(0).hasContents());
    assertArrayEquals(floats(typed.getOutputs(0)), floats(raw.getRawOutputContents(0)));
    // The parameter overrides either way: raw inputs, typed outputs.
    ModelInferResponse typedFromRaw =
        stub.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName("credit-risk")
                .setModelVersion("1")
                .putParameters(
                    "binary_data_output", InferParameter.newBuilder().setBoolParam(false).build())
                .addInputs(features(3))
                .addRawInputContents(raw(data))
                .build());
    assertEquals(0, typedFromRaw.getRawOutputContentsCount());
    assertArrayEquals(floats(typed.getOutputs(0)), floats(typedFromRaw.getOutputs(0)));
    // Binary output on request: the same numbers in raw_output_contents, no typed contents.
    ModelInferResponse binary =
        stub.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName("credit-risk")
                .setModelVersion("1")
                .putParameters(
                    "binary_data_output", InferParameter.newBuilder().setBoolParam(true).build())
                .addInputs(typed(3, data))
                .build());
    assertEquals(1, binary.getRawOutputContentsCount());
    assertFalse(binary.getOutputs(0).hasContents());
    assertArrayEquals(floats(typed.getOutputs(0)), floats(binary.getRawOutputContents(0)));
  }

  @Test
  void sameAnswerAsTheRestDoorForTheSameRows() {
    float[] data = rows(2);
    float[] grpc =
        floats(
            stub.modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("credit-risk")
                        .setModelVersion("2")
                        .addInputs(typed(2, data))
                        .build())
                .getOutputs(0));
    StringBuilder json =
        new StringBuilder(
            "{\"inputs\":[{\"name\":\"features\",\"shape\":[2,55],\"datatype\":\"FP32\",\"data\":[");
    for (int i = 0; i < data.length; i++) {
      json.append(i == 0 ? "" : ",").append(data[i]);
    }
    json.append("]}]}");
    List<Float> rest =
        io.restassured.RestAssured.given()
            .contentType("application/json")
            .body(json.toString())
            .post("/v2/models/credit-risk/versions/2/infer")
            .then()
            .statusCode(200)
            .extract()
            .path("outputs[0].data");
    for (int i = 0; i < grpc.length; i++) {
      assertEquals(rest.get(i), grpc[i], 1e-7);
    }
  }

  @Test
  void everyDatatypeTypedAndRawThroughTheEchoModel() {
    ModelInferRequest.Builder typed = ModelInferRequest.newBuilder().setModelName("echo");
    ModelInferRequest.Builder raw = ModelInferRequest.newBuilder().setModelName("echo");
    ByteBuffer b;
    // FP32
    typed.addInputs(
        echo("x_fp32", "FP32")
            .setContents(
                InferTensorContents.newBuilder().addFp32Contents(1.5f).addFp32Contents(-2f)));
    raw.addInputs(echo("x_fp32", "FP32"));
    raw.addRawInputContents(raw(new float[] {1.5f, -2f}));
    // FP64
    typed.addInputs(
        echo("x_fp64", "FP64")
            .setContents(
                InferTensorContents.newBuilder().addFp64Contents(1e-300).addFp64Contents(2.5)));
    b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1e-300).putDouble(2.5);
    raw.addInputs(echo("x_fp64", "FP64")).addRawInputContents(ByteString.copyFrom(b.array()));
    // INT32
    typed.addInputs(
        echo("x_int32", "INT32")
            .setContents(
                InferTensorContents.newBuilder()
                    .addIntContents(-7)
                    .addIntContents(Integer.MAX_VALUE)));
    b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-7).putInt(Integer.MAX_VALUE);
    raw.addInputs(echo("x_int32", "INT32")).addRawInputContents(ByteString.copyFrom(b.array()));
    // INT64
    typed.addInputs(
        echo("x_int64", "INT64")
            .setContents(
                InferTensorContents.newBuilder()
                    .addInt64Contents(Long.MIN_VALUE)
                    .addInt64Contents(42)));
    b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MIN_VALUE).putLong(42);
    raw.addInputs(echo("x_int64", "INT64")).addRawInputContents(ByteString.copyFrom(b.array()));
    // BOOL
    typed.addInputs(
        echo("x_bool", "BOOL")
            .setContents(
                InferTensorContents.newBuilder().addBoolContents(true).addBoolContents(false)));
    raw.addInputs(echo("x_bool", "BOOL"))
        .addRawInputContents(ByteString.copyFrom(new byte[] {1, 0}));
    // BYTES
    typed.addInputs(
        echo("x_bytes", "BYTES")
            .setContents(
                InferTensorContents.newBuilder()
                    .addBytesContents(ByteString.copyFromUtf8("ab"))
                    .addBytesContents(ByteString.copyFromUtf8("ü"))));
    byte[] u = "ü".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    b =
        ByteBuffer.allocate(4 + 2 + 4 + u.length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(2)
            .put("ab".getBytes())
            .putInt(u.length)
            .put(u);
    raw.addInputs(echo("x_bytes", "BYTES")).addRawInputContents(ByteString.copyFrom(b.array()));

    ModelInferResponse a = stub.modelInfer(typed.build());
    ModelInferResponse rawOut = stub.modelInfer(raw.build());
    // Raw in, raw out: each output's bytes are its input's, in the outputs' order.
    assertEquals(6, rawOut.getRawOutputContentsCount());
    for (int i = 0; i < 6; i++) {
      String name = rawOut.getOutputs(i).getName();
      int in =
          raw.getInputsList().stream()
              .map(InferInputTensor::getName)
              .toList()
              .indexOf("x" + name.substring(1));
      assertEquals(raw.getRawInputContents(in), rawOut.getRawOutputContents(i), name);
    }
    ModelInferResponse r =
        stub.modelInfer(
            raw.putParameters(
                    "binary_data_output", InferParameter.newBuilder().setBoolParam(false).build())
                .build());
    assertEquals(6, a.getOutputsCount());
    for (int i = 0; i < 6; i++) {
      assertEquals(a.getOutputs(i).getName(), r.getOutputs(i).getName());
      assertEquals(
          a.getOutputs(i).getContents(), r.getOutputs(i).getContents(), a.getOutputs(i).getName());
      assertEquals(List.of(1L, 2L), a.getOutputs(i).getShapeList());
    }
    assertEquals(
        List.of(true, false), outputNamed(a, "y_bool").getContents().getBoolContentsList());
    assertEquals("ü", outputNamed(a, "y_bytes").getContents().getBytesContents(1).toStringUtf8());
    assertEquals(
        List.of(Long.MIN_VALUE, 42L),
        outputNamed(r, "y_int64").getContents().getInt64ContentsList());
    // Requested outputs only, as raw bytes.
    ModelInferResponse one =
        stub.modelInfer(
            typed
                .addOutputs(
                    ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName("y_bytes")
                        .putParameters(
                            "binary_data", InferParameter.newBuilder().setBoolParam(true).build()))
                .build());
    assertEquals(1, one.getOutputsCount());
    assertEquals(ByteString.copyFrom(b.array()), one.getRawOutputContents(0));
  }

  static ModelInferResponse.InferOutputTensor outputNamed(ModelInferResponse r, String name) {
    return r.getOutputsList().stream()
        .filter(o -> o.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static InferInputTensor.Builder echo(String name, String type) {
    return InferInputTensor.newBuilder().setName(name).setDatatype(type).addShape(1).addShape(2);
  }

  @Test
  void badInputsAreInvalidArgumentNamingTheTensor() {
    float[] one = rows(1);
    ModelInferRequest.Builder base = ModelInferRequest.newBuilder().setModelName("credit-risk");
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone()
            .addInputs(
                features(1)
                    .setDatatype("FP64")
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addAllFp64Contents(java.util.Collections.nCopies(WIDTH, 0.0))))
            .build(),
        "inputs.features: has datatype FP64 but the model takes FP32");
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone()
            .addInputs(
                features(2).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
            .build(),
        "has 1 fp32_contents but shape [2, 55] needs 110");
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone()
            .addInputs(features(1))
            .addRawInputContents(ByteString.copyFrom(new byte[10]))
            .build(),
        "raw contents have 10 bytes but a FP32 tensor of shape [1, 55] needs 220");
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone().addInputs(typed(1, one)).addRawInputContents(raw(one)).build(),
        "together with raw_input_contents");
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone().addInputs(typed(1, one).toBuilder().setName("feature")).build(),
        "inputs.feature: is not an input");
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone().addInputs(typed(1, one).toBuilder().setName("feature")).build(),
        "inputs.features: is required");
    fails(Status.Code.INVALID_ARGUMENT, base.clone().build(), "at least one input");
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone()
            .addInputs(
                features(1)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addAllIntContents(java.util.Collections.nCopies(WIDTH, 1))))
            .build(),
        "carries its data in fp32_contents, not int_contents");
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone().addInputs(features(1).setDatatype("FP16")).build(),
        "not supported");
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone()
            .addInputs(features(1))
            .addRawInputContents(raw(one))
            .addRawInputContents(raw(one))
            .build(),
        "2 entries for 1 inputs");
    float[] nan = rows(1);
    nan[4] = Float.NaN;
    fails(
        Status.Code.INVALID_ARGUMENT,
        base.clone().addInputs(typed(1, nan)).build(),
        "element 4 is not a finite number");
  }

  @Test
  void unknownModelOrVersionIsNotFound() {
    fails(
        Status.Code.NOT_FOUND,
        ModelInferRequest.newBuilder().setModelName("nope").addInputs(typed(1, rows(1))).build(),
        "unknown model 'nope'");
    fails(
        Status.Code.NOT_FOUND,
        ModelInferRequest.newBuilder()
            .setModelName("credit-risk")
            .setModelVersion("8")
            .addInputs(typed(1, rows(1)))
            .build(),
        "no version 8");
    fails(
        Status.Code.UNAVAILABLE,
        ModelInferRequest.newBuilder()
            .setModelName("broken")
            .setModelVersion("2")
            .addInputs(typed(1, rows(1)))
            .build(),
        "not ready");
  }

  @Test
  void theClientsDeadlineIsHonoured() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.withDeadlineAfter(1, TimeUnit.NANOSECONDS)
                    .modelInfer(
                        ModelInferRequest.newBuilder()
                            .setModelName("credit-risk")
                            .addInputs(typed(1, rows(1)))
                            .build()));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    // A generous deadline is passed on and the call succeeds.
    assertEquals(
        1,
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .modelInfer(
                ModelInferRequest.newBuilder()
                    .setModelName("credit-risk")
                    .addInputs(typed(1, rows(1)))
                    .build())
            .getOutputsCount());
  }

  @Test
  void standardHealthReflectsModelReadiness() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    for (String service :
        new String[] {"", "inference.GRPCInferenceService", "creditscorer.v1.CreditScoring"}) {
      assertEquals(
          ServingStatus.SERVING,
          health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus(),
          service);
    }
  }

  @Test
  void reflectionListsTheServices() throws Exception {
    CompletableFuture<List<String>> services = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  final List<String> names = new ArrayList<>();

                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    r.getListServicesResponse()
                        .getServiceList()
                        .forEach(s -> names.add(s.getName()));
                  }

                  @Override
                  public void onError(Throwable t) {
                    services.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    services.complete(names);
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    List<String> names = services.get(10, TimeUnit.SECONDS);
    assertTrue(names.contains("inference.GRPCInferenceService"), names.toString());
    assertTrue(names.contains("creditscorer.v1.CreditScoring"), names.toString());
    assertTrue(names.contains("grpc.health.v1.Health"), names.toString());
  }
}
