package io.creditscorer.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.creditscorer.Management;
import io.creditscorer.TestRepositoryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class V2ApiTest {

  static final int WIDTH = 55;

  static String row(double v) {
    return String.join(",", Collections.nCopies(WIDTH, Double.toString(v)));
  }

  static ValidatableResponse infer(String path, String body) {
    return given().contentType(ContentType.JSON).body(body).post(path).then();
  }

  static void badRequest(String path, String body, String field, String problem) {
    infer(path, body)
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", notNullValue())
        .body("errors.field", hasItem(field))
        .body("errors.problem", hasItem(containsString(problem)));
  }

  @Test
  void serverMetadataAndHealth() {
    given()
        .get("/v2")
        .then()
        .statusCode(200)
        .body("name", equalTo("credit-scorer"))
        .body("version", notNullValue())
        .body("extensions", notNullValue());
    given().get("/v2/health/live").then().statusCode(200);
    given().get("/v2/health/ready").then().statusCode(200);
    Management.given().get("/q/health/live").then().statusCode(200);
    Management.given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'models' }.data.'credit-risk/1'", equalTo("READY"))
        .body("checks.find { it.name == 'models' }.data.'broken/1'", containsString("FAILED"));
  }

  @Test
  void modelMetadataReportsVariableDimensionsAsMinusOne() {
    given()
        .get("/v2/models/credit-risk")
        .then()
        .statusCode(200)
        .body("name", equalTo("credit-risk"))
        .body("versions", contains("1", "2"))
        .body("platform", equalTo("onnxruntime_onnx"))
        .body("inputs[0].name", equalTo("features"))
        .body("inputs[0].datatype", equalTo("FP32"))
        .body("inputs[0].shape", contains(-1, WIDTH))
        .body("outputs[0].name", equalTo("probabilities"))
        .body("outputs[0].shape", contains(-1, 2));
    given()
        .get("/v2/models/credit-risk/versions/1")
        .then()
        .statusCode(200)
        .body("inputs[0].shape", contains(-1, WIDTH));
    given()
        .get("/v2/models/echo")
        .then()
        .statusCode(200)
        .body("inputs", hasSize(6))
        .body("inputs.find { it.name == 'x_bytes' }.datatype", equalTo("BYTES"))
        .body("inputs[0].shape", contains(-1, -1));
  }

  @Test
  void readinessPerModelAndVersion() {
    given().get("/v2/models/credit-risk/ready").then().statusCode(200);
    given().get("/v2/models/credit-risk/versions/2/ready").then().statusCode(200);
    given()
        .get("/v2/models/nope/ready")
        .then()
        .statusCode(404)
        .body("error", containsString("nope"));
    given()
        .get("/v2/models/credit-risk/versions/9/ready")
        .then()
        .statusCode(404)
        .body("error", containsString("9"));
    given().get("/v2/models/nope").then().statusCode(404);
    given().get("/v2/models/credit-risk/versions/9").then().statusCode(404);
  }

  @Test
  void refusedVersionsAreNotServedAndSayWhy() {
    given()
        .get("/v2/models/broken/versions/1/ready")
        .then()
        .statusCode(503)
        .body("error", containsString("not ready"));
    given()
        .get("/v2/models/broken/versions/2/ready")
        .then()
        .statusCode(503)
        .body("error", containsString("x_fp32"))
        .body("error", containsString("FP64"));
  }

  @Test
  void nestedAndFlatDataGiveTheSameAnswerAndTheIdIsEchoed() {
    String nested =
        "{\"id\":\"req-7\",\"inputs\":[{\"name\":\"features\",\"shape\":[2,55],\"datatype\":\"FP32\",\"data\":[["
            + row(0.5)
            + "],["
            + row(-1)
            + "]]}]}";
    String flat =
        "{\"inputs\":[{\"name\":\"features\",\"shape\":[2,55],\"datatype\":\"FP32\",\"data\":["
            + row(0.5)
            + ","
            + row(-1)
            + "]}]}";
    List<Float> a =
        infer("/v2/models/credit-risk/versions/1/infer", nested)
            .statusCode(200)
            .body("id", equalTo("req-7"))
            .body("model_name", equalTo("credit-risk"))
            .body("model_version", equalTo("1"))
            .body("outputs[0].name", equalTo("probabilities"))
            .body("outputs[0].datatype", equalTo("FP32"))
            .body("outputs[0].shape", contains(2, 2))
            .extract()
            .path("outputs[0].data");
    List<Float> b =
        infer("/v2/models/credit-risk/versions/1/infer", flat)
            .statusCode(200)
            .extract()
            .path("outputs[0].data");
    assertEquals(a, b);
    assertEquals(4, a.size());
    assertEquals(1.0, a.get(0) + a.get(1), 1e-5);
    // Different rows, different answers: the batch is not collapsed.
    org.junit.jupiter.api.Assertions.assertNotEquals(a.get(0), a.get(2));
  }

  @Test
  void defaultVersionIsTheLatest() {
    String body =
        "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,55],\"datatype\":\"FP32\",\"data\":["
            + row(0)
            + "]}]}";
    infer("/v2/models/credit-risk/infer", body).statusCode(200).body("model_version", equalTo("2"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "fp32  | FP32  | [[1.5, -2.25, 3], [4, 5, 6]]",
        "fp64  | FP64  | [[1.0000000001, 2, 3], [4, 5, 6e100]]",
        "int32 | INT32 | [[1, -2, 3], [2147483647, 5, -2147483648]]",
        "int64 | INT64 | [[1, 2, 9007199254740993], [4, -5, 6]]",
        "bool  | BOOL  | [[true, false, true], [false, false, true]]",
        "bytes | BYTES | [[\"a\", \"\", \"ü\"], [\"x y\", \"z\", \"0\"]]"
      })
  void everyDatatypeRoundTripsThroughAModelWithoutDescriptor(
      String suffix, String type, String data) {
    String body =
        "{\"inputs\":["
            + echoInputs("x_" + suffix, type, data)
            + "],\"outputs\":[{\"name\":\"y_"
            + suffix
            + "\"}]}";
    ValidatableResponse r =
        infer("/v2/models/echo/infer", body)
            .statusCode(200)
            .body("outputs", hasSize(1))
            .body("outputs[0].name", equalTo("y_" + suffix))
            .body("outputs[0].datatype", equalTo(type))
            .body("outputs[0].shape", contains(2, 3));
    String expectedFlat = data.replace("[[", "[").replace("]]", "]").replace("], [", ", ");
    String actual = r.extract().jsonPath().prettify();
    List<Object> got = r.extract().jsonPath().getList("outputs[0].data");
    List<Object> want =
        io.restassured.path.json.JsonPath.from("{\"d\":" + expectedFlat + "}").getList("d");
    assertEquals(want.size(), got.size(), actual);
    for (int i = 0; i < want.size(); i++) {
      Object w = want.get(i);
      Object g = got.get(i);
      if (w instanceof Number && g instanceof Number) {
        assertEquals(
            0,
            new BigDecimal(w.toString()).compareTo(new BigDecimal(g.toString())),
            "element " + i + " of " + actual);
      } else {
        assertEquals(w, g, "element " + i + " of " + actual);
      }
    }
  }

  /** All six echo inputs; the one under test carries {@code data}, the others a 1x1 filler. */
  static String echoInputs(String name, String type, String data) {
    List<String> parts = new ArrayList<>();
    String[][] fillers = {
      {"x_fp32", "FP32", "[1]"}, {"x_fp64", "FP64", "[1]"}, {"x_int32", "INT32", "[1]"},
      {"x_int64", "INT64", "[1]"}, {"x_bool", "BOOL", "[true]"}, {"x_bytes", "BYTES", "[\"f\"]"}
    };
    for (String[] f : fillers) {
      if (f[0].equals(name)) {
        parts.add(
            "{\"name\":\""
                + name
                + "\",\"shape\":[2,3],\"datatype\":\""
                + type
                + "\",\"data\":"
                + data
                + "}");
      } else {
        parts.add(
            "{\"name\":\""
                + f[0]
                + "\",\"shape\":[1,1],\"datatype\":\""
                + f[1]
                + "\",\"data\":"
                + f[2]
                + "}");
      }
    }
    return String.join(",", parts);
  }

  @Test
  void allOutputsWhenNoneAreRequested() {
    String body = "{\"inputs\":[" + echoInputs("x_fp32", "FP32", "[[1,2,3],[4,5,6]]") + "]}";
    infer("/v2/models/echo/infer", body)
        .statusCode(200)
        .body("outputs", hasSize(6))
        .body("outputs.name", hasItem("y_bool"));
  }

  static final String CREDIT = "/v2/models/credit-risk/infer";

  static String features(String shape, String datatype, String data) {
    return "{\"inputs\":[{\"name\":\"features\",\"shape\":"
        + shape
        + ",\"datatype\":\""
        + datatype
        + "\",\"data\":"
        + data
        + "}]}";
  }

  @Test
  void malformedOrEmptyBodies() {
    badRequest(CREDIT, "{\"inputs\": [", "body", "malformed JSON");
    badRequest(CREDIT, "", "body", "empty");
    badRequest(CREDIT, "[1,2]", "body", "JSON object");
    badRequest(CREDIT, "{\"inputs\": []}", "inputs", "non-empty array");
    badRequest(CREDIT, "{\"inputs\": [{}], \"extra\": 1}", "extra", "unknown field");
  }

  @Test
  void missingOrUnknownInputs() {
    badRequest(
        CREDIT,
        "{\"inputs\":[{\"name\":\"feature\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[1]}]}",
        "inputs.feature",
        "not an input");
    badRequest(
        CREDIT,
        "{\"inputs\":[{\"name\":\"feature\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[1]}]}",
        "inputs.features",
        "required");
    badRequest(
        CREDIT,
        "{\"inputs\":[{\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[1]}]}",
        "inputs[0].name",
        "required");
  }

  @Test
  void badDatatypes() {
    badRequest(
        CREDIT,
        features("[1,55]", "FLOAT", "[" + row(0) + "]"),
        "inputs.features.datatype",
        "unknown datatype 'FLOAT'");
    badRequest(
        CREDIT,
        features("[1,55]", "FP16", "[" + row(0) + "]"),
        "inputs.features.datatype",
        "not supported");
    badRequest(
        CREDIT,
        features("[1,55]", "FP64", "[" + row(0) + "]"),
        "inputs.features",
        "the model takes FP32");
  }

  @Test
  void badShapes() {
    badRequest(
        CREDIT,
        "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"data\":[1]}]}",
        "inputs.features.shape",
        "required");
    badRequest(
        CREDIT,
        features("[-1,55]", "FP32", "[" + row(0) + "]"),
        "inputs.features.shape",
        "non-negative");
    badRequest(
        CREDIT,
        features("[1,54]", "FP32", "[" + row(0).substring(4) + "]"),
        "inputs.features",
        "the model takes [-1, 55]");
    badRequest(
        CREDIT, features("[55]", "FP32", "[" + row(0) + "]"), "inputs.features", "the model takes");
    badRequest(
        CREDIT,
        features("[2,55]", "FP32", "[" + row(0) + "]"),
        "inputs.features.data",
        "has 55 elements but shape [2, 55] needs 110");
  }

  @Test
  void absurdBatchIsRefusedBeforeAllocating() {
    badRequest(
        CREDIT,
        features("[30000000,55]", "FP32", "[" + row(0) + "]"),
        "inputs.features.data",
        "needs 1650000000");
    badRequest(
        CREDIT,
        features("[4000000000000,55]", "FP32", "[" + row(0) + "]"),
        "inputs.features",
        "too large");
    badRequest(
        CREDIT,
        features("[9223372036854775807,55]", "FP32", "[1]"),
        "inputs.features",
        "too large");
  }

  @Test
  void batchOverTheRowLimitIsRefused() {
    StringBuilder data = new StringBuilder("[");
    for (int i = 0; i < 513; i++) {
      data.append(i == 0 ? "" : ",").append("[").append(row(0)).append("]");
    }
    badRequest(CREDIT, features("[513,55]", "FP32", data + "]"), "inputs.features", "at most 512");
  }

  @Test
  void nonNumbersAndNonFiniteValues() {
    badRequest(
        CREDIT,
        features("[1,55]", "FP32", "[\"x\"," + row(0).substring(4) + "]"),
        "inputs.features.data",
        "element 0 is a string");
    badRequest(
        CREDIT,
        features("[1,55]", "FP32", "[NaN," + row(0).substring(4) + "]"),
        "body",
        "malformed JSON");
    badRequest(
        CREDIT,
        features("[1,55]", "FP32", "[1e39," + row(0).substring(4) + "]"),
        "inputs.features.data",
        "out of the FP32 range");
    badRequest(
        CREDIT,
        features("[1,55]", "FP32", "[1e999," + row(0).substring(4) + "]"),
        "inputs.features.data",
        "out of the FP32 range");
    badRequest(
        "/v2/models/echo/infer",
        "{\"inputs\":[" + echoInputs("x_int32", "INT32", "[[1,2,3.5],[1,2,3]]") + "]}",
        "inputs.x_int32.data",
        "not an integer that fits INT32");
    badRequest(
        "/v2/models/echo/infer",
        "{\"inputs\":[" + echoInputs("x_bool", "BOOL", "[[1,0,1],[1,1,1]]") + "]}",
        "inputs.x_bool.data",
        "BOOL needs true or false");
    badRequest(
        "/v2/models/echo/infer",
        "{\"inputs\":[" + echoInputs("x_bytes", "BYTES", "[[1,2,3],[4,5,6]]") + "]}",
        "inputs.x_bytes.data",
        "BYTES needs strings");
  }

  @Test
  void unknownOutputIsRefused() {
    String body =
        "{\"inputs\":["
            + echoInputs("x_fp32", "FP32", "[[1,2,3],[4,5,6]]")
            + "],\"outputs\":[{\"name\":\"y_nope\"}]}";
    badRequest("/v2/models/echo/infer", body, "outputs.y_nope", "not an output");
  }

  @Test
  void unknownModelOrVersionIs404() {
    String body = features("[1,55]", "FP32", "[" + row(0) + "]");
    infer("/v2/models/nope/infer", body)
        .statusCode(404)
        .body("error", containsString("unknown model 'nope'"));
    infer("/v2/models/credit-risk/versions/7/infer", body)
        .statusCode(404)
        .body("error", containsString("no version 7"));
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    assertEquals(
        413,
        io.creditscorer.ChunkedUpload.statusWithLength(
            io.restassured.RestAssured.port, CREDIT, TestRepositoryResource.MAX_BODY_BYTES + 1));
  }

  @Test
  void aChunkedBodyOverTheLimitIs413Too() throws Exception {
    assertEquals(
        413,
        io.creditscorer.ChunkedUpload.status(
            io.restassured.RestAssured.port, CREDIT, TestRepositoryResource.MAX_BODY_BYTES + 1));
  }

  @Test
  void unknownPathsAnswerJsonErrors() {
    given().get("/v2/nothing/here").then().statusCode(404);
    given()
        .get("/v2/models/credit-risk/infer")
        .then()
        .statusCode(405)
        .body("error", notNullValue());
  }

  @Test
  void metricsCountRequestsPerModelVersion() {
    infer("/v2/models/credit-risk/versions/1/infer", features("[1,55]", "FP32", "[" + row(0) + "]"))
        .statusCode(200);
    String metrics =
        Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
    org.junit.jupiter.api.Assertions.assertTrue(
        metrics.contains(
            "scorer_requests_seconds_bucket{api=\"v2\",model=\"credit-risk\",outcome=\"ok\",version=\"1\""),
        "latency histogram per model version");
    org.junit.jupiter.api.Assertions.assertTrue(
        metrics.contains(
            "scorer_requests_seconds_count{api=\"v2\",model=\"credit-risk\",outcome=\"ok\",version=\"1\"}"));
  }
}
