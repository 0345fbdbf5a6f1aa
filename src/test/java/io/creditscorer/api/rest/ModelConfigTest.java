package io.creditscorer.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.creditscorer.TestRepositoryResource;
import io.creditscorer.api.grpc.v2.DataType;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.ModelConfig;
import io.creditscorer.api.grpc.v2.ModelConfigRequest;
import io.creditscorer.api.grpc.v2.ServerMetadataRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Triton's model configuration extension, from its document ({@code
 * extension_model_configuration.md}) and {@code model_config.proto}: the JSON of {@code
 * ModelConfig} on REST, the message on gRPC, both from the test repository's models and settings.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class ModelConfigTest {

  @Test
  void restShowsTheCreditModelAsTritonWould() {
    given()
        .get("/v2/models/credit-risk/versions/1/config")
        .then()
        .statusCode(200)
        .body("name", equalTo("credit-risk"))
        .body("platform", equalTo("onnxruntime_onnx"))
        .body("backend", equalTo("onnxruntime"))
        .body("version_policy.all", equalTo(java.util.Map.of()))
        .body("max_batch_size", equalTo(512)) // scorer.inference.max-request-rows of the tests
        .body("input[0].name", equalTo("features"))
        .body("input[0].data_type", equalTo("TYPE_FP32"))
        .body("input[0].format", equalTo("FORMAT_NONE"))
        .body("input[0].dims", contains(55)) // without the batch dimension
        .body("output[0].name", equalTo("probabilities"))
        .body("output[0].dims", contains(2))
        .body("instance_group[0].kind", equalTo("KIND_CPU"))
        .body("default_model_filename", equalTo("model.onnx"));
    // Without a version: the version requests naming none get.
    given()
        .get("/v2/models/credit-risk/config")
        .then()
        .statusCode(200)
        .body("name", equalTo("credit-risk"));
    given()
        .get("/v2/models/no-such-model/config")
        .then()
        .statusCode(404)
        .body("error", org.hamcrest.Matchers.notNullValue());
    given().get("/v2").then().body("extensions", hasItem("model_configuration"));
  }

  @Test
  void grpcAnswersTheSameConfiguration() throws Exception {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    try {
      var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
      ModelConfig c =
          stub.modelConfig(ModelConfigRequest.newBuilder().setName("echo").build()).getConfig();
      assertEquals("echo", c.getName());
      assertEquals("onnxruntime_onnx", c.getPlatform());
      assertEquals(512, c.getMaxBatchSize());
      assertEquals(
          DataType.TYPE_STRING,
          c.getInputList().stream()
              .filter(i -> i.getName().equals("x_bytes"))
              .findFirst()
              .orElseThrow()
              .getDataType());
      assertEquals(6, c.getOutputCount());
      assertEquals(
          List.of(55L),
          stub.modelConfig(
                  ModelConfigRequest.newBuilder().setName("credit-risk").setVersion("2").build())
              .getConfig()
              .getInput(0)
              .getDimsList());
      StatusRuntimeException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class,
              () -> stub.modelConfig(ModelConfigRequest.newBuilder().setName("nope").build()));
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
      assertEquals(
          given().get("/v2").jsonPath().getList("extensions"),
          stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getExtensionsList(),
          "the same extensions on both doors");
    } finally {
      channel.shutdownNow();
    }
  }
}
