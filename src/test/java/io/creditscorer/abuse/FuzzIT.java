package io.creditscorer.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.creditscorer.PackagedService;
import io.creditscorer.api.grpc.credit.CreditScoringGrpc;
import io.creditscorer.api.grpc.credit.LoanOutcome;
import io.creditscorer.api.grpc.credit.OutcomesRequest;
import io.creditscorer.api.grpc.credit.ScoreRequest;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.InferTensorContents;
import io.creditscorer.api.grpc.v2.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed and oversized requests, generated from a fixed seed by mutating well-formed ones,
 * against the packaged service: the three REST APIs (credit score, V2 infer, outcomes) and both
 * gRPC services. No answer is a 5xx, {@code UNKNOWN} or {@code INTERNAL}, none passes 16 KB, and
 * the service is ready at the end. A failure names the seed and the try, so it replays exactly.
 */
class FuzzIT {

  static final long SEED = 20261207L;
  static final int REST_TRIES = 6000;
  static final int GRPC_TRIES = 3000;
  static final int BINARY_TRIES = 2000;
  static final int MAX_ANSWER_BYTES = 16 * 1024;
  static final Set<Status.Code> SERVER_FAULTS =
      Set.of(Status.Code.UNKNOWN, Status.Code.INTERNAL, Status.Code.DATA_LOSS);

  static PackagedService service;
  static HttpClient http;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Path.of("target/fuzz-it");
    io.creditscorer.TestModels.deleteRecursively(dir);
    service = new PackagedService(dir, List.of()).start();
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (service != null) {
      service.close();
    }
  }

  @Test
  void restBodiesNeverGetAServerError() throws Exception {
    Random random = new Random(SEED);
    Mutations m = new Mutations(random);
    String[][] apis = {
      {"/v1/credit/score", Bodies.credit("fuzz", Bodies.applicant("A0001"))},
      {"/v2/models/credit-risk/versions/1/infer", Bodies.v2("fuzz")},
      {
        "/v1/credit/outcomes",
        "{\"outcomes\":[{\"request_id\":\"fuzz\",\"applicant_id\":\"A0001\",\"defaulted\":true,"
            + "\"observed_at\":\"2026-01-01T00:00:00Z\",\"groups\":{\"sex\":\"female\"}}]}"
      },
      {
        "/v1/credit/monitoring-attributes",
        "{\"attributes\":[{\"request_id\":\"fuzz\",\"applicant_id\":\"A0001\","
            + "\"groups\":{\"sex\":\"male\",\"age_band\":\"55+\",\"foreign_worker\":\"no\"}}]}"
      }
    };
    for (int i = 0; i < REST_TRIES; i++) {
      String[] api = apis[i % apis.length];
      byte[] body = m.mutate(api[1]);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(service.uri(api[0]))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (random.nextInt(8) == 0) {
        request.header("Idempotency-Key", "fuzz-" + random.nextInt(50));
      }
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String what = "seed " + SEED + ", try " + i + ", " + api[0];
      assertTrue(r.statusCode() < 500, what + " answered " + r.statusCode() + ": " + r.body());
      assertTrue(
          r.body().getBytes(StandardCharsets.UTF_8).length <= MAX_ANSWER_BYTES,
          what + " answered " + r.body().length() + " characters");
    }
    assertEquals(200, service.status(http, "/q/health/ready"));
  }

  @Test
  void binaryTensorBodiesNeverGetAServerError() throws Exception {
    Random random = new Random(SEED + 2);
    Mutations m = new Mutations(random);
    String header =
        "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,55],"
            + "\"parameters\":{\"binary_data_size\":220}}],"
            + "\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":true}}]}";
    for (int i = 0; i < BINARY_TRIES; i++) {
      byte[] json =
          random.nextBoolean() ? m.mutate(header) : header.getBytes(StandardCharsets.UTF_8);
      byte[] tail = new byte[random.nextInt(4) == 0 ? random.nextInt(1000) : 220];
      random.nextBytes(tail);
      byte[] body = new byte[json.length + tail.length];
      System.arraycopy(json, 0, body, 0, json.length);
      System.arraycopy(tail, 0, body, json.length, tail.length);
      String length =
          switch (random.nextInt(6)) {
            case 0 -> Integer.toString(random.nextInt(body.length + 10) - 5);
            case 1 -> "0";
            case 2 -> {
              String[] odd = {"abc", "1e3", "-0", "99999999999999999999", "0x10", " 12 ", "", "+5"};
              yield odd[random.nextInt(odd.length)];
            }
            default -> Integer.toString(json.length);
          };
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(service.uri("/v2/models/credit-risk/infer"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/octet-stream")
                  .header("Inference-Header-Content-Length", length)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      String what = "seed " + (SEED + 2) + ", try " + i + ", header length " + length;
      assertTrue(
          r.statusCode() < 500,
          what
              + " answered "
              + r.statusCode()
              + ": "
              + new String(r.body(), StandardCharsets.UTF_8));
      assertTrue(
          r.body().length <= MAX_ANSWER_BYTES, what + " answered " + r.body().length + " bytes");
    }
    assertEquals(200, service.status(http, "/q/health/ready"));
  }

  @Test
  void grpcMessagesNeverGetAServerFault() throws Exception {
    Random random = new Random(SEED + 1);
    Mutations m = new Mutations(random);
    var credit = CreditScoringGrpc.newBlockingStub(channel);
    var inference = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    for (int i = 0; i < GRPC_TRIES; i++) {
      String what = "seed " + (SEED + 1) + ", try " + i;
      try {
        switch (i % 3) {
          case 0 ->
              credit
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .score(
                      ScoreRequest.newBuilder()
                          .setRequestId(m.string())
                          .setModelVersion(random.nextInt(4) == 0 ? m.string() : "")
                          .addApplicants(m.struct(Bodies.struct("A0001"), 0))
                          .build());
          case 1 ->
              inference.withDeadlineAfter(10, TimeUnit.SECONDS).modelInfer(inferRequest(m, random));
          default ->
              credit
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .reportOutcomes(
                      OutcomesRequest.newBuilder()
                          .addOutcomes(
                              LoanOutcome.newBuilder()
                                  .setRequestId(m.string())
                                  .setApplicantId(m.string())
                                  .setDefaulted(random.nextBoolean()))
                          .build());
        }
      } catch (StatusRuntimeException e) {
        assertTrue(
            !SERVER_FAULTS.contains(e.getStatus().getCode()), what + " answered " + e.getStatus());
        String d = e.getStatus().getDescription();
        assertTrue(d == null || d.length() <= MAX_ANSWER_BYTES, what + ": a long description");
      }
    }
    assertEquals(200, service.status(http, "/q/health/ready"));
  }

  static ModelInferRequest inferRequest(Mutations m, Random random) {
    String[] types = {"FP32", "FP64", "INT32", "INT64", "BOOL", "BYTES", "UINT8", "", "fp32"};
    ModelInferRequest.InferInputTensor.Builder in =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName(random.nextInt(3) == 0 ? m.string() : "features")
            .setDatatype(types[random.nextInt(types.length)]);
    int dims = random.nextInt(4);
    for (int d = 0; d < dims; d++) {
      in.addShape(
          switch (random.nextInt(5)) {
            case 0 -> -1 - random.nextInt(5);
            case 1 -> Long.MAX_VALUE >> random.nextInt(40);
            default -> random.nextInt(80);
          });
    }
    ModelInferRequest.Builder r =
        ModelInferRequest.newBuilder()
            .setModelName(random.nextInt(5) == 0 ? m.string() : "credit-risk")
            .setModelVersion(random.nextInt(3) == 0 ? m.string() : "1")
            .setId(m.string());
    if (random.nextBoolean()) {
      byte[] raw = new byte[random.nextInt(4) == 0 ? 4096 : random.nextInt(300)];
      random.nextBytes(raw);
      r.addRawInputContents(ByteString.copyFrom(raw));
    } else {
      InferTensorContents.Builder c = InferTensorContents.newBuilder();
      int n = random.nextInt(120);
      for (int i = 0; i < n; i++) {
        switch (random.nextInt(4)) {
          case 0 -> c.addFp32Contents(random.nextBoolean() ? Float.NaN : random.nextFloat());
          case 1 -> c.addInt64Contents(random.nextLong());
          case 2 -> c.addBytesContents(ByteString.copyFromUtf8(m.string()));
          default -> c.addBoolContents(random.nextBoolean());
        }
      }
      in.setContents(c);
    }
    return r.addInputs(in).build();
  }

  /** Mutations of well-formed requests: the ways a request goes wrong, drawn at random. */
  static final class Mutations {
    private final Random random;

    Mutations(Random random) {
      this.random = random;
    }

    byte[] mutate(String json) {
      String s = json;
      int steps = 1 + random.nextInt(3);
      for (int i = 0; i < steps; i++) {
        s =
            switch (random.nextInt(7)) {
              case 0 -> s.substring(0, random.nextInt(s.length() + 1));
              case 1 -> replaceChar(s);
              case 2 -> insert(s, value(0));
              case 3 -> replaceValue(s);
              case 4 -> s.replace("\"applicants\"", "\"" + string() + "\"");
              case 5 -> insert(s, ",\"" + string() + "\":" + value(0));
              default -> s;
            };
      }
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      if (random.nextInt(10) == 0 && bytes.length > 0) {
        bytes[random.nextInt(bytes.length)] = (byte) (0x80 | random.nextInt(0x80)); // bad UTF-8
      }
      return bytes;
    }

    private String replaceChar(String s) {
      if (s.isEmpty()) {
        return s;
      }
      int at = random.nextInt(s.length());
      char[] pool = {'"', '\\', '{', '}', '[', ']', ',', ':', '\u0000', '\u001f', 'é', '\ud800'};
      return s.substring(0, at) + pool[random.nextInt(pool.length)] + s.substring(at + 1);
    }

    private String insert(String s, String what) {
      int at = random.nextInt(s.length() + 1);
      return s.substring(0, at) + what + s.substring(at);
    }

    /** Replaces the value after a random colon with a random value. */
    private String replaceValue(String s) {
      if (s.isEmpty()) {
        return s;
      }
      int colon = s.indexOf(':', random.nextInt(s.length()));
      if (colon < 0) {
        return s;
      }
      int end = colon + 1;
      while (end < s.length() && ",}]".indexOf(s.charAt(end)) < 0) {
        end++;
      }
      return s.substring(0, colon + 1) + value(0) + s.substring(end);
    }

    String value(int depth) {
      return switch (random.nextInt(depth > 3 ? 6 : 9)) {
        case 0 -> "null";
        case 1 -> random.nextBoolean() ? "true" : "false";
        case 2 -> Long.toString(random.nextLong());
        case 3 ->
            switch (random.nextInt(4)) {
              case 0 -> "1e400";
              case 1 -> "-1e-400";
              case 2 -> "1" + "0".repeat(random.nextInt(500));
              default -> Double.toString(random.nextGaussian() * 1e6);
            };
        case 4 -> "\"" + string() + "\"";
        case 5 -> "\"" + "x".repeat(random.nextInt(200_000)) + "\"";
        case 6 -> "[" + value(depth + 1) + "," + value(depth + 1) + "]";
        case 7 -> "{\"" + string() + "\":" + value(depth + 1) + "}";
        default -> "[".repeat(random.nextInt(3000)) + "]".repeat(random.nextInt(3000));
      };
    }

    /** A short string of any characters, escaped for JSON where it must be. */
    String string() {
      int n = random.nextInt(4) == 0 ? random.nextInt(400) : random.nextInt(12);
      StringBuilder b = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        int c =
            switch (random.nextInt(5)) {
              case 0 -> random.nextInt(0x20);
              case 1 -> 0xd800 + random.nextInt(0x800);
              case 2 -> 0x80 + random.nextInt(0x7f80);
              default -> 0x20 + random.nextInt(0x5f);
            };
        if (c == '"' || c == '\\' || c < 0x20) {
          b.append(String.format("\\u%04x", c));
        } else {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    /** {@code base} with fields replaced or added at random. */
    Struct struct(Struct base, int depth) {
      Struct.Builder s = base.toBuilder();
      int changes = 1 + random.nextInt(4);
      for (int i = 0; i < changes; i++) {
        String key =
            random.nextBoolean() && base.getFieldsCount() > 0
                ? base.getFieldsMap().keySet().stream()
                    .skip(random.nextInt(base.getFieldsCount()))
                    .findFirst()
                    .orElse("x")
                : string();
        s.putFields(key, protoValue(depth));
      }
      return s.build();
    }

    private Value protoValue(int depth) {
      return switch (random.nextInt(depth > 2 ? 5 : 7)) {
        case 0 -> Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        case 1 -> Value.newBuilder().setBoolValue(random.nextBoolean()).build();
        case 2 ->
            Value.newBuilder()
                .setNumberValue(
                    switch (random.nextInt(4)) {
                      case 0 -> Double.NaN;
                      case 1 -> Double.NEGATIVE_INFINITY;
                      case 2 -> random.nextLong();
                      default -> random.nextGaussian() * 1e9;
                    })
                .build();
        case 3 -> Value.newBuilder().setStringValue(string()).build();
        case 4 -> Value.newBuilder().setStringValue("y".repeat(random.nextInt(100_000))).build();
        case 5 ->
            Value.newBuilder()
                .setListValue(
                    ListValue.newBuilder()
                        .addValues(protoValue(depth + 1))
                        .addValues(protoValue(depth + 1)))
                .build();
        default ->
            Value.newBuilder()
                .setStructValue(struct(Struct.getDefaultInstance(), depth + 1))
                .build();
      };
    }
  }
}
