package io.creditscorer.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.TestRepositoryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Triton's binary tensor data extension, written from its document ({@code
 * docs/protocol/extension_binary_data.md} of triton-inference-server/server), not from the
 * service's code: a JSON header whose length is in {@code Inference-Header-Content-Length}, then
 * each binary input's bytes in input order, little-endian, a BYTES element as a 4-byte
 * little-endian length and its bytes; outputs asked with {@code "binary_data": true} (or {@code
 * "binary_data_output": true}) come back the same way.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class BinaryTensorDataTest {

  static final String HEADER = "Inference-Header-Content-Length";
  static final ObjectMapper JSON = new ObjectMapper();

  /** The echo model's six inputs, 2x3 each, as values and as the extension's bytes. */
  static final Map<String, Object[]> ECHO = new LinkedHashMap<>();

  static {
    ECHO.put("fp32", new Object[] {"FP32", new float[] {1.5f, -2.25f, 3, 4, 5, 6e30f}});
    ECHO.put("fp64", new Object[] {"FP64", new double[] {1.0000000001, 2, 3, 4, 5, 6e100}});
    ECHO.put("int32", new Object[] {"INT32", new int[] {1, -2, 3, Integer.MAX_VALUE, 5, -9}});
    ECHO.put("int64", new Object[] {"INT64", new long[] {1, 2, 9007199254740993L, 4, -5, 6}});
    ECHO.put("bool", new Object[] {"BOOL", new boolean[] {true, false, true, false, false, true}});
    ECHO.put("bytes", new Object[] {"BYTES", new String[] {"a", "", "ü", "x y", "z", "0"}});
  }

  static byte[] littleEndian(Object values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (values instanceof float[] a) {
      ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : a) {
        b.putFloat(v);
      }
      return b.array();
    }
    if (values instanceof double[] a) {
      ByteBuffer b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : a) {
        b.putDouble(v);
      }
      return b.array();
    }
    if (values instanceof int[] a) {
      ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int v : a) {
        b.putInt(v);
      }
      return b.array();
    }
    if (values instanceof long[] a) {
      ByteBuffer b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (long v : a) {
        b.putLong(v);
      }
      return b.array();
    }
    if (values instanceof boolean[] a) {
      for (boolean v : a) {
        out.write(v ? 1 : 0);
      }
      return out.toByteArray();
    }
    for (String s : (String[]) values) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
      out.writeBytes(utf8);
    }
    return out.toByteArray();
  }

  /** The JSON header and the binary parts, in order. */
  static byte[] body(String header, byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static Response post(String path, String header, byte[]... parts) {
    return given()
        .contentType("application/octet-stream")
        .header(HEADER, header.getBytes(StandardCharsets.UTF_8).length)
        .body(body(header, parts))
        .post(path);
  }

  static String binaryInput(String name, String type, long[] shape, int bytes) {
    return "{\"name\":\"%s\",\"datatype\":\"%s\",\"shape\":%s,\"parameters\":{\"binary_data_size\":%d}}"
        .formatted(name, type, java.util.Arrays.toString(shape), bytes);
  }

  static String jsonInput(String name, String type, Object values) throws Exception {
    return "{\"name\":\"%s\",\"datatype\":\"%s\",\"shape\":[2,3],\"data\":%s}"
        .formatted(name, type, JSON.writeValueAsString(values));
  }

  /** An answer's JSON header and its binary parts by output name (in the header's order). */
  record Answer(JsonNode header, Map<String, ByteBuffer> parts) {}

  static Answer binaryAnswer(Response r) throws Exception {
    assertEquals(200, r.statusCode(), r.asString());
    assertTrue(r.contentType().startsWith("application/octet-stream"), r.contentType());
    byte[] all = r.asByteArray();
    int headerLength = Integer.parseInt(r.header(HEADER));
    JsonNode header = JSON.readTree(new String(all, 0, headerLength, StandardCharsets.UTF_8));
    Map<String, ByteBuffer> parts = new LinkedHashMap<>();
    int at = headerLength;
    for (JsonNode o : header.get("outputs")) {
      JsonNode size = o.path("parameters").get("binary_data_size");
      if (size != null) {
        assertFalse(o.has("data"), "a binary output has no data in the header: " + o);
        parts.put(
            o.get("name").asText(),
            ByteBuffer.wrap(all, at, size.asInt()).slice().order(ByteOrder.LITTLE_ENDIAN));
        at += size.asInt();
      }
    }
    assertEquals(all.length, at, "the parts add up to the body");
    return new Answer(header, parts);
  }

  @Test
  void everyDatatypeSentAndAnsweredInBinaryComesBackUnchanged() throws Exception {
    List<String> inputs = new ArrayList<>();
    List<byte[]> parts = new ArrayList<>();
    for (Map.Entry<String, Object[]> e : ECHO.entrySet()) {
      byte[] bytes = littleEndian(e.getValue()[1]);
      inputs.add(
          binaryInput(
              "x_" + e.getKey(), (String) e.getValue()[0], new long[] {2, 3}, bytes.length));
      parts.add(bytes);
    }
    String header =
        "{\"inputs\":["
            + String.join(",", inputs)
            + "],\"parameters\":{\"binary_data_output\":true}}";
    Answer a = binaryAnswer(post("/v2/models/echo/infer", header, parts.toArray(byte[][]::new)));
    assertEquals(6, a.parts().size());
    for (Map.Entry<String, Object[]> e : ECHO.entrySet()) {
      ByteBuffer got = a.parts().get("y_" + e.getKey());
      byte[] bytes = new byte[got.remaining()];
      got.get(bytes);
      assertArrayEquals(littleEndian(e.getValue()[1]), bytes, e.getKey());
    }
  }

  @Test
  void binaryAndJsonInputsAndOutputsMixFreely() throws Exception {
    float[] fp32 = (float[]) ECHO.get("fp32")[1];
    String[] strings = (String[]) ECHO.get("bytes")[1];
    byte[] fp32Bytes = littleEndian(fp32);
    byte[] stringBytes = littleEndian(strings);
    String header =
        "{\"inputs\":["
            + binaryInput("x_fp32", "FP32", new long[] {2, 3}, fp32Bytes.length)
            + ","
            + jsonInput("x_fp64", "FP64", ECHO.get("fp64")[1])
            + ","
            + binaryInput("x_bytes", "BYTES", new long[] {2, 3}, stringBytes.length)
            + ","
            + jsonInput("x_int32", "INT32", ECHO.get("int32")[1])
            + ","
            + jsonInput("x_int64", "INT64", ECHO.get("int64")[1])
            + ","
            + jsonInput("x_bool", "BOOL", ECHO.get("bool")[1])
            + "],\"outputs\":[{\"name\":\"y_fp32\",\"parameters\":{\"binary_data\":true}},"
            + "{\"name\":\"y_bytes\"},{\"name\":\"y_fp64\",\"parameters\":{\"binary_data\":false}}]}";
    Answer a = binaryAnswer(post("/v2/models/echo/infer", header, fp32Bytes, stringBytes));
    assertEquals(List.of("y_fp32"), List.copyOf(a.parts().keySet()), "only y_fp32 in binary");
    float[] got = new float[fp32.length];
    a.parts().get("y_fp32").asFloatBuffer().get(got);
    assertArrayEquals(fp32, got);
    JsonNode bytesOut = a.header().get("outputs").get(1);
    assertEquals("y_bytes", bytesOut.get("name").asText());
    assertEquals(JSON.valueToTree(strings), bytesOut.get("data"));
    assertEquals(1.0000000001, a.header().get("outputs").get(2).get("data").get(0).asDouble());
  }

  @Test
  void theCreditModelAnswersTheSameInBinaryAsInJson() throws Exception {
    float[] rows = new float[2 * 55];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (i % 7) / 7f;
    }
    String jsonBody =
        "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[2,55],\"data\":"
            + JSON.writeValueAsString(rows)
            + "}]}";
    JsonNode json =
        JSON.readTree(
            given()
                .contentType("application/json")
                .body(jsonBody)
                .post("/v2/models/credit-risk/versions/2/infer")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    byte[] features = littleEndian(rows);
    String header =
        "{\"inputs\":["
            + binaryInput("features", "FP32", new long[] {2, 55}, features.length)
            + "],\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":true}}]}";
    Answer a = binaryAnswer(post("/v2/models/credit-risk/versions/2/infer", header, features));
    JsonNode expected = json.get("outputs").get(0).get("data");
    ByteBuffer probabilities = a.parts().get("probabilities");
    assertEquals(expected.size() * 4, probabilities.remaining());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).floatValue(), probabilities.getFloat(), 1e-6, "element " + i);
    }
    assertEquals("2", a.header().get("model_version").asText());
  }

  @Test
  void binaryInputsWithoutBinaryOutputsGetAJsonAnswer() throws Exception {
    byte[] bytes = littleEndian(new float[55]);
    String header =
        "{\"inputs\":[" + binaryInput("features", "FP32", new long[] {1, 55}, bytes.length) + "]}";
    Response r = post("/v2/models/credit-risk/infer", header, bytes);
    assertEquals(200, r.statusCode(), r.asString());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    assertEquals(2, r.jsonPath().getList("outputs[0].data").size());
  }

  @Test
  void aRawBinaryRequestIsTheOneInputsDataAloneAndIsAnsweredInBinary() throws Exception {
    float[] row = new float[55];
    row[3] = 1;
    byte[] bytes = littleEndian(row);
    Answer a =
        binaryAnswer(
            given()
                .contentType("application/octet-stream")
                .header(HEADER, 0)
                .body(bytes)
                .post("/v2/models/credit-risk/versions/2/infer"));
    JsonNode out = a.header().get("outputs").get(0);
    assertEquals("[1,2]", out.get("shape").toString(), "batch 1");
    ByteBuffer probabilities = a.parts().get(out.get("name").asText());
    JsonNode json =
        JSON.readTree(
            given()
                .contentType("application/json")
                .body(
                    "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,55],"
                        + "\"data\":"
                        + JSON.writeValueAsString(row)
                        + "}]}")
                .post("/v2/models/credit-risk/versions/2/infer")
                .asString());
    for (JsonNode p : json.get("outputs").get(0).get("data")) {
      assertEquals(p.floatValue(), probabilities.getFloat(), 1e-6);
    }
    // Not one row; a model with several inputs.
    refused(
        given()
            .header(HEADER, 0)
            .body(new byte[bytes.length + 1])
            .post("/v2/models/credit-risk/infer"),
        "body",
        "needs 220");
    refused(
        given().header(HEADER, 0).body(bytes).post("/v2/models/echo/infer"),
        "body",
        "exactly one input");
  }

  static void refused(Response r, String field, String problem) {
    r.then()
        .statusCode(400)
        .body("errors.field", hasItem(field))
        .body("errors.problem", hasItem(containsString(problem)));
  }

  @Test
  void everyInconsistencyIsA400NamingIt() {
    byte[] row = littleEndian(new float[55]);
    String one =
        "{\"inputs\":[" + binaryInput("features", "FP32", new long[] {1, 55}, row.length) + "]}";
    String path = "/v2/models/credit-risk/infer";
    String size = "inputs.features.parameters.binary_data_size";

    // The header's length: not a number, negative, beyond the body.
    for (String bad : new String[] {"abc", "-1", "100000"}) {
      refused(
          given().header(HEADER, bad).body(body(one, row)).post(path),
          HEADER,
          bad.equals("abc") ? "whole number" : "must fit");
    }
    // The header's length cuts the JSON short.
    refused(given().header(HEADER, 10).body(body(one, row)).post(path), "body", "");
    // Sizes that do not add up: bytes left over, bytes missing.
    refused(post(path, one, row, new byte[] {1, 2, 3}), "body", "follow the last input");
    refused(post(path, one, new byte[row.length - 4]), size, "remain");
    // A size the shape does not take, a negative size, data given twice, no binary body at all.
    String wrongShape =
        "{\"inputs\":[" + binaryInput("features", "FP32", new long[] {1, 54}, row.length) + "]}";
    refused(post(path, wrongShape, row), size, "needs");
    refused(
        post(
            path,
            "{\"inputs\":[" + binaryInput("features", "FP32", new long[] {1, 55}, -4) + "]}",
            row),
        size,
        "non-negative");
    String both =
        "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,55],"
            + "\"data\":[0],\"parameters\":{\"binary_data_size\":"
            + row.length
            + "}}]}";
    refused(post(path, both, row), "inputs.features.data", "send one of them");
    refused(given().contentType("application/json").body(one).post(path), size, HEADER);
    // Output flags that are not booleans.
    String badFlag =
        "{\"inputs\":["
            + binaryInput("features", "FP32", new long[] {1, 55}, row.length)
            + "],\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":\"yes\"}}],"
            + "\"parameters\":{\"binary_data_output\":1}}";
    Response r = post(path, badFlag, row);
    refused(r, "outputs[0].parameters.binary_data", "true or false");
    refused(r, "parameters.binary_data_output", "true or false");
  }

  @Test
  void aBytesElementLongerThanItsPartIsA400() {
    ByteBuffer b = ByteBuffer.allocate(4 + 2).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(1000).put((byte) 'a').put((byte) 'b');
    List<String> inputs = new ArrayList<>();
    List<byte[]> parts = new ArrayList<>();
    for (Map.Entry<String, Object[]> e : ECHO.entrySet()) {
      byte[] bytes = e.getKey().equals("bytes") ? b.array() : littleEndian(e.getValue()[1]);
      long[] shape = e.getKey().equals("bytes") ? new long[] {1, 1} : new long[] {2, 3};
      inputs.add(binaryInput("x_" + e.getKey(), (String) e.getValue()[0], shape, bytes.length));
      parts.add(bytes);
    }
    refused(
        post(
            "/v2/models/echo/infer",
            "{\"inputs\":[" + String.join(",", inputs) + "]}",
            parts.toArray(byte[][]::new)),
        "inputs.x_bytes.parameters.binary_data_size",
        "declares 1000 bytes");
  }
}
