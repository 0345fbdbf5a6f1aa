package io.creditscorer.control;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.Management;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.RepositoryIndexRequest;
import io.creditscorer.api.grpc.v2.RepositoryIndexResponse;
import io.creditscorer.api.grpc.v2.RepositoryModelLoadRequest;
import io.creditscorer.api.grpc.v2.RepositoryModelUnloadRequest;
import io.creditscorer.api.rest.CreditApiTest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The model-control API over REST and gRPC: keys, roles, load/unload, routing. */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class ModelControlApiTest {

  static RequestSpecification as(String key) {
    return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
  }

  static RequestSpecification admin() {
    return as(TestRepositoryResource.ADMIN_KEY);
  }

  @Test
  void withoutAKnownKeyTheControlApiAnswers401AndAViewerKeyCannotChangeAnything() {
    given()
        .post("/v2/repository/index")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("Bearer"));
    as("not-a-key-but-long-enough").post("/v2/repository/index").then().statusCode(401);
    as(TestRepositoryResource.VIEWER_KEY)
        .post("/v2/repository/index")
        .then()
        .statusCode(200)
        .body("find { it.name == 'credit-risk' && it.version == '2' }.state", equalTo("READY"))
        .body("find { it.name == 'broken' && it.version == '1' }.state", equalTo("UNAVAILABLE"));
    as(TestRepositoryResource.VIEWER_KEY)
        .post("/v2/repository/models/echo/unload")
        .then()
        .statusCode(403);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("applicants", List.of(CreditApiTest.applicant())))
        .post("/v1/credit/score")
        .then()
        .statusCode(200); // predictions stay open
  }

  @Test
  void namesThatAreNotPlainDirectoryNamesAreRefused() {
    admin().post("/v2/repository/models/..%2E/load").then().statusCode(400);
    admin()
        .post("/v2/repository/models/.hidden/load")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("model"));
    admin()
        .post("/v2/repository/models/no-such-model/load")
        .then()
        .statusCode(404)
        .body("error", containsString("no model directory 'no-such-model'"));
  }

  @Test
  void unloadStopsServingAModelAndLoadBringsItBack() {
    try {
      admin()
          .post("/v2/repository/models/echo/unload")
          .then()
          .statusCode(200)
          .body("retired", hasItem("echo/1"));
      given().get("/v2/models/echo").then().statusCode(404);
      admin()
          .post("/v2/repository/index")
          .then()
          .body("find { it.name == 'echo' }.state", equalTo("UNLOADED"));
    } finally {
      admin().post("/v2/repository/models/echo/load").then().statusCode(200);
    }
    given().get("/v2/models/echo").then().statusCode(200);
    admin()
        .post("/v2/repository/models/broken/load")
        .then()
        .statusCode(422)
        .body("error", containsString("broken/1"));
  }

  @Test
  void routingSendsUnversionedRequestsToTheCanaryAndComparesTheShadow() {
    try {
      admin()
          .body(Map.of("canary", "1", "canary_percent", 100, "shadow", "2", "shadow_percent", 100))
          .put("/v2/repository/models/credit-risk/routing")
          .then()
          .statusCode(200)
          .body("canary_percent", equalTo(100));
      for (int i = 0; i < 5; i++) {
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("applicants", List.of(CreditApiTest.applicant())))
            .post("/v1/credit/score")
            .then()
            .statusCode(200)
            .body("model_version", equalTo("1"));
      }
      given()
          .contentType(ContentType.JSON)
          .body(Map.of("applicants", List.of(CreditApiTest.applicant())))
          .post("/v1/credit/score?version=2")
          .then()
          .body("model_version", equalTo("2"));
      double compared = 0;
      for (int i = 0; i < 100 && compared < 5; i++) { // the shadow runs in the background
        compared = shadowComparisons();
      }
      assertTrue(compared >= 5, "the shadow version scored every sampled request: " + compared);
      admin()
          .body(Map.of("canary", "7", "canary_percent", 150))
          .put("/v2/repository/models/credit-risk/routing")
          .then()
          .statusCode(400)
          .body("errors.field", hasItem("canary"))
          .body("errors.field", hasItem("canary_percent"));
      as(TestRepositoryResource.VIEWER_KEY)
          .get("/v2/repository/models/credit-risk/routing")
          .then()
          .statusCode(200)
          .body("canary", equalTo("1"));
    } finally {
      admin()
          .body(Map.of())
          .put("/v2/repository/models/credit-risk/routing")
          .then()
          .statusCode(200);
    }
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("applicants", List.of(CreditApiTest.applicant())))
        .post("/v1/credit/score")
        .then()
        .body("model_version", equalTo("2"));
  }

  static double shadowComparisons() {
    String metrics = Management.given().get("/q/metrics").asString();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("scorer_shadow_comparisons_total{")
          && line.contains("version=\"1\"")
          && line.contains("shadow=\"2\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void theGrpcRepositoryExtensionNeedsTheSameKeys() throws Exception {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    try {
      GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub anonymous =
          GRPCInferenceServiceGrpc.newBlockingStub(channel);
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class,
              () -> anonymous.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()));
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());

      Metadata viewer = new Metadata();
      viewer.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + TestRepositoryResource.VIEWER_KEY);
      e =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  anonymous
                      .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(viewer))
                      .repositoryModelUnload(
                          RepositoryModelUnloadRequest.newBuilder().setModelName("echo").build()));
      assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());

      Metadata admin = new Metadata();
      admin.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + TestRepositoryResource.ADMIN_KEY);
      GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
          anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(admin));
      RepositoryIndexResponse index =
          stub.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build());
      assertTrue(index.getModelsList().stream().allMatch(m -> m.getState().equals("READY")));
      assertTrue(
          index.getModelsList().stream()
              .anyMatch(m -> m.getName().equals("credit-risk") && m.getVersion().equals("1")));
      stub.repositoryModelUnload(
          RepositoryModelUnloadRequest.newBuilder().setModelName("echo").build());
      given().get("/v2/models/echo").then().statusCode(404);
      stub.repositoryModelLoad(
          RepositoryModelLoadRequest.newBuilder().setModelName("echo").build());
      given().get("/v2/models/echo").then().statusCode(200);
      e =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  stub.repositoryModelLoad(
                      RepositoryModelLoadRequest.newBuilder().setModelName("../x").build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
