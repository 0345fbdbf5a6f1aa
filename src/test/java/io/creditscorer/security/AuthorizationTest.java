package io.creditscorer.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.Management;
import io.creditscorer.api.grpc.credit.CreditScoringGrpc;
import io.creditscorer.api.grpc.credit.ScoreRequest;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.rest.CreditApiTest;
import io.creditscorer.api.rest.DecisioningApiTest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With {@code scorer.auth.enabled=true} and a public key configured by the standard MicroProfile
 * JWT properties: every data-plane and control call without a valid token is refused (401 /
 * UNAUTHENTICATED), each role reaches only its endpoints (403 / PERMISSION_DENIED otherwise), and
 * health, metadata of the server and probes stay open. The keys are made here, for this run.
 */
@QuarkusTest
@TestProfile(AuthorizationTest.AuthOn.class)
class AuthorizationTest {

  static final String ISSUER = "https://issuer.credit-scorer.test";
  static final String AUDIENCE = "credit-scorer";
  static final KeyPair SIGNER = TestKeys.rsa();
  static final KeyPair STRANGER = TestKeys.rsa();
  static final Path PUBLIC_KEY = Path.of("target/auth-test/public-key.pem");

  /** Authentication on, verifying tokens with the key made above. */
  public static class AuthOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Files.createDirectories(PUBLIC_KEY.getParent());
        Files.writeString(PUBLIC_KEY, TestKeys.publicPem(SIGNER));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of(
          "scorer.auth.enabled",
          "true",
          "mp.jwt.verify.publickey.location",
          PUBLIC_KEY.toAbsolutePath().toString(),
          "mp.jwt.verify.issuer",
          ISSUER,
          "mp.jwt.verify.audiences",
          AUDIENCE,
          // The matrices send many bad tokens from one address: FailedAuthenticationTest blocks.
          "scorer.auth.failures.limit",
          "100000");
    }
  }

  static String token(Set<String> roles) {
    return token(roles, ISSUER, Instant.now().plusSeconds(300), SIGNER.getPrivate());
  }

  static String token(Set<String> roles, String issuer, Instant expires, PrivateKey key) {
    return Jwt.issuer(issuer)
        .audience(AUDIENCE)
        .subject(subject(roles))
        .groups(roles)
        .issuedAt(expires.minusSeconds(600))
        .expiresAt(expires)
        .jws()
        .algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
        .sign(key);
  }

  /** The {@code sub} of a token with these roles. */
  static String subject(Set<String> roles) {
    return "caller-" + String.join("-", new TreeSet<>(roles));
  }

  /** The tokens that must never get in. */
  static Map<String, String> invalidTokens() {
    Set<String> all =
        Set.of(
            Roles.SCORER,
            Roles.OUTCOME_REPORTER,
            Roles.AUDITOR,
            Roles.MODEL_VIEWER,
            Roles.MODEL_ADMIN);
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put(
        "a bad signature",
        token(all, ISSUER, Instant.now().plusSeconds(300), STRANGER.getPrivate()));
    bad.put(
        "an expired token",
        token(all, ISSUER, Instant.now().minusSeconds(120), SIGNER.getPrivate()));
    bad.put(
        "a wrong issuer",
        token(all, "https://elsewhere.test", Instant.now().plusSeconds(300), SIGNER.getPrivate()));
    bad.put(
        "a wrong audience",
        Jwt.issuer(ISSUER)
            .audience("another-service")
            .subject("caller")
            .groups(all)
            .expiresAt(Instant.now().plusSeconds(300))
            .sign(SIGNER.getPrivate()));
    bad.put(
        "an HS256 token keyed with the public key",
        Jwt.issuer(ISSUER)
            .audience(AUDIENCE)
            .subject("caller")
            .groups(all)
            .expiresAt(Instant.now().plusSeconds(300))
            .jws()
            .algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.HS256)
            .sign(
                new javax.crypto.spec.SecretKeySpec(
                    SIGNER.getPublic().getEncoded(), "HmacSHA256")));
    String valid = token(all);
    bad.put(
        "an unsigned token (alg none)",
        Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
            + valid.substring(valid.indexOf('.'), valid.lastIndexOf('.') + 1));
    bad.put("not a token", "not-a-token-and-no-key");
    return bad;
  }

  static final List<String> ROLES =
      List.of(
          Roles.SCORER,
          Roles.OUTCOME_REPORTER,
          Roles.AUDITOR,
          Roles.MODEL_VIEWER,
          Roles.MODEL_ADMIN);

  /**
   * One REST endpoint (its OpenAPI path template), the role it needs ({@code null}: open to
   * anyone), and how to call it.
   */
  record Endpoint(String role, String method, String template, String path, Object body) {
    Endpoint(String role, String method, String path, Object body) {
      this(role, method, path, path, body);
    }

    int call(String token) {
      RequestSpecification r = given().contentType(ContentType.JSON);
      if (token != null) {
        r.header("Authorization", "Bearer " + token);
      }
      if (body != null) {
        r.body(body);
      }
      return r.request(method, path).then().extract().statusCode();
    }
  }

  static List<Endpoint> endpoints() {
    Map<String, Object> applicant = CreditApiTest.applicant();
    String model = "/v2/models/{model}";
    String version = model + "/versions/{version}";
    return List.of(
        new Endpoint(
            Roles.SCORER, "POST", "/v1/credit/score", Map.of("applicants", List.of(applicant))),
        new Endpoint(Roles.SCORER, "GET", model, "/v2/models/credit-risk", null),
        new Endpoint(Roles.SCORER, "GET", version, "/v2/models/credit-risk/versions/1", null),
        new Endpoint(Roles.SCORER, "GET", model + "/ready", "/v2/models/credit-risk/ready", null),
        new Endpoint(
            Roles.SCORER,
            "GET",
            version + "/ready",
            "/v2/models/credit-risk/versions/1/ready",
            null),
        new Endpoint(
            Roles.SCORER,
            "POST",
            version + "/infer",
            "/v2/models/credit-risk/versions/1/infer",
            Map.of("inputs", List.of())),
        new Endpoint(
            Roles.SCORER,
            "POST",
            model + "/infer",
            "/v2/models/credit-risk/infer",
            Map.of("inputs", List.of())),
        new Endpoint(
            Roles.OUTCOME_REPORTER,
            "POST",
            "/v1/credit/outcomes",
            Map.of(
                "outcomes",
                List.of(
                    Map.of(
                        "request_id",
                        "nothing-here",
                        "defaulted",
                        true,
                        "observed_at",
                        Instant.now().toString())))),
        new Endpoint(
            Roles.OUTCOME_REPORTER,
            "POST",
            "/v1/credit/monitoring-attributes",
            Map.of(
                "attributes",
                List.of(Map.of("request_id", "nothing-here", "groups", Map.of("sex", "male"))))),
        new Endpoint(Roles.AUDITOR, "GET", "/v1/credit/performance", null),
        new Endpoint(Roles.AUDITOR, "GET", "/v1/credit/fairness", null),
        new Endpoint(
            Roles.MODEL_VIEWER, "GET", model + "/config", "/v2/models/credit-risk/config", null),
        new Endpoint(
            Roles.MODEL_VIEWER,
            "GET",
            version + "/config",
            "/v2/models/credit-risk/versions/1/config",
            null),
        new Endpoint(Roles.MODEL_VIEWER, "GET", "/v2/models/stats", null),
        new Endpoint(
            Roles.MODEL_VIEWER, "GET", model + "/stats", "/v2/models/credit-risk/stats", null),
        new Endpoint(
            Roles.MODEL_VIEWER,
            "GET",
            version + "/stats",
            "/v2/models/credit-risk/versions/1/stats",
            null),
        new Endpoint(Roles.MODEL_VIEWER, "POST", "/v2/repository/index", null),
        new Endpoint(
            Roles.MODEL_VIEWER,
            "GET",
            "/v2/repository/models/{model}/routing",
            "/v2/repository/models/credit-risk/routing",
            null),
        new Endpoint(
            Roles.MODEL_ADMIN,
            "POST",
            "/v2/repository/models/{model}/load",
            "/v2/repository/models/no-such-model/load",
            null),
        new Endpoint(
            Roles.MODEL_ADMIN,
            "POST",
            "/v2/repository/models/{model}/unload",
            "/v2/repository/models/no-such-model/unload",
            null),
        new Endpoint(
            Roles.MODEL_ADMIN,
            "PUT",
            "/v2/repository/models/{model}/routing",
            "/v2/repository/models/credit-risk/routing",
            Map.of()),
        new Endpoint(null, "GET", "/v2", null),
        new Endpoint(null, "GET", "/v2/health/live", null),
        new Endpoint(null, "GET", "/v2/health/ready", null));
  }

  @Test
  void theTablesCoverEveryEndpointOfTheOpenApiDocument() throws Exception {
    JsonNode paths =
        new ObjectMapper()
            .readTree(given().get("/q/openapi?format=json").then().extract().asString())
            .path("paths");
    Set<String> documented = new TreeSet<>();
    paths
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    Set<String> tested = new TreeSet<>();
    endpoints().forEach(e -> tested.add(e.method() + " " + e.template()));
    assertEquals(documented, tested);
  }

  @Test
  void everyRestEndpointRefusesWithoutAValidTokenAndAdmitsOnlyItsRole() {
    List<String> wrong = new ArrayList<>();
    // One token per role for every endpoint, as a caller keeps its token: after the first endpoint,
    // each is answered from the verified tokens the REST door remembers.
    Map<String, String> tokens = new HashMap<>();
    ROLES.forEach(role -> tokens.put(role, token(Set.of(role))));
    for (Endpoint e : endpoints()) {
      String what = e.method() + " " + e.path();
      if (e.role() == null) {
        check(wrong, what + " without a token", e.call(null), 200);
        continue;
      }
      check(wrong, what + " without a token", e.call(null), 401);
      invalidTokens().forEach((kind, t) -> check(wrong, what + " with " + kind, e.call(t), 401));
      for (String role : ROLES) {
        int status = e.call(tokens.get(role));
        if (role.equals(e.role())) {
          if (status == 401 || status == 403) {
            wrong.add(what + " refused its own role " + role + ": " + status);
          }
        } else {
          check(wrong, what + " as " + role, status, 403);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  static void check(List<String> wrong, String what, int status, int expected) {
    if (status != expected) {
      wrong.add(what + ": " + status + ", not " + expected);
    }
  }

  @Test
  void probesAndScrapesOnTheManagementPortStayOpen() {
    Management.given().get("/q/health/ready").then().statusCode(200);
    Management.given().get("/q/metrics").then().statusCode(200);
  }

  @Test
  void anOutcomeAnswerRevealsTheDecisionOnlyToAnAuditor() throws Exception {
    String scored =
        given()
            .contentType(ContentType.JSON)
            .header("Authorization", "Bearer " + token(Set.of(Roles.SCORER)))
            .body(
                Map.of(
                    "request_id",
                    "reveal-" + Instant.now().toEpochMilli(),
                    "applicants",
                    List.of(CreditApiTest.applicant())))
            .post("/v1/credit/score")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    String requestId = new ObjectMapper().readTree(scored).path("request_id").asText();
    Map<String, Object> report =
        Map.of(
            "outcomes",
            List.of(
                Map.of(
                    "request_id",
                    requestId,
                    "defaulted",
                    true,
                    "observed_at",
                    Instant.now().toString())));
    JsonNode reporter = outcome(report, Set.of(Roles.OUTCOME_REPORTER));
    assertEquals("accepted", reporter.path("result").asText());
    assertTrue(reporter.path("probability_of_default").isMissingNode(), reporter.toString());
    assertTrue(reporter.path("decision").isMissingNode(), reporter.toString());
    JsonNode auditor = outcome(report, Set.of(Roles.OUTCOME_REPORTER, Roles.AUDITOR));
    assertEquals("duplicate", auditor.path("result").asText());
    assertFalse(auditor.path("probability_of_default").isMissingNode(), auditor.toString());
  }

  static JsonNode outcome(Map<String, Object> report, Set<String> roles) throws Exception {
    String body =
        given()
            .contentType(ContentType.JSON)
            .header("Authorization", "Bearer " + token(roles))
            .body(report)
            .post("/v1/credit/outcomes")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    return new ObjectMapper().readTree(body).path("results").path(0);
  }

  static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** The role each gRPC method needs; {@code null}: open to anyone. */
  static final Map<String, String> GRPC_ROLES = new HashMap<>();

  static {
    String v2 = "inference.GRPCInferenceService/";
    GRPC_ROLES.put(v2 + "ServerLive", null);
    GRPC_ROLES.put(v2 + "ServerReady", null);
    GRPC_ROLES.put(v2 + "ServerMetadata", null);
    GRPC_ROLES.put(v2 + "ModelReady", Roles.SCORER);
    GRPC_ROLES.put(v2 + "ModelMetadata", Roles.SCORER);
    GRPC_ROLES.put(v2 + "ModelInfer", Roles.SCORER);
    GRPC_ROLES.put(v2 + "ModelConfig", Roles.MODEL_VIEWER);
    GRPC_ROLES.put(v2 + "ModelStatistics", Roles.MODEL_VIEWER);
    GRPC_ROLES.put(v2 + "RepositoryIndex", Roles.MODEL_VIEWER);
    GRPC_ROLES.put(v2 + "RepositoryModelLoad", Roles.MODEL_ADMIN);
    GRPC_ROLES.put(v2 + "RepositoryModelUnload", Roles.MODEL_ADMIN);
    String credit = "creditscorer.v1.CreditScoring/";
    GRPC_ROLES.put(credit + "Score", Roles.SCORER);
    GRPC_ROLES.put(credit + "ScoreStream", Roles.SCORER);
    GRPC_ROLES.put(credit + "ReportOutcomes", Roles.OUTCOME_REPORTER);
    GRPC_ROLES.put("grpc.health.v1.Health/Check", null);
  }

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /**
   * Calls a method by name with one empty message (every field at its default) and the token, if
   * any; a streaming method gets one message and a half-close.
   */
  static Status.Code callRaw(ManagedChannel channel, String method, String token) {
    MethodDescriptor<byte[], byte[]> descriptor =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(method)
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    Channel authed = channel;
    if (token != null) {
      Metadata m = new Metadata();
      m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      authed = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(m));
    }
    Channel target = authed;
    return code(
        () ->
            ClientCalls.blockingUnaryCall(
                target,
                descriptor,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                new byte[0]));
  }

  @Test
  void everyGrpcMethodRefusesWithoutAValidTokenAndAdmitsOnlyItsRole() {
    Set<String> served = new TreeSet<>();
    for (ServiceDescriptor d :
        List.of(
            GRPCInferenceServiceGrpc.getServiceDescriptor(),
            CreditScoringGrpc.getServiceDescriptor())) {
      d.getMethods().forEach(m -> served.add(m.getFullMethodName()));
    }
    served.add("grpc.health.v1.Health/Check");
    assertEquals(served, new TreeSet<>(GRPC_ROLES.keySet()), "every method has its role here");
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    try {
      List<String> wrong = new ArrayList<>();
      GRPC_ROLES.forEach(
          (method, role) -> {
            Status.Code none = callRaw(channel, method, null);
            if (role == null) {
              if (none != Status.Code.OK) {
                wrong.add(method + " (open) without a token: " + none);
              }
              return;
            }
            if (none != Status.Code.UNAUTHENTICATED) {
              wrong.add(method + " without a token: " + none);
            }
            invalidTokens()
                .forEach(
                    (kind, t) -> {
                      Status.Code c = callRaw(channel, method, t);
                      if (c != Status.Code.UNAUTHENTICATED) {
                        wrong.add(method + " with " + kind + ": " + c);
                      }
                    });
            for (String r : ROLES) {
              Status.Code c = callRaw(channel, method, token(Set.of(r)));
              boolean own = r.equals(role);
              if (own && (c == Status.Code.UNAUTHENTICATED || c == Status.Code.PERMISSION_DENIED)) {
                wrong.add(method + " refused its own role " + r + ": " + c);
              }
              if (!own && c != Status.Code.PERMISSION_DENIED) {
                wrong.add(method + " as " + r + ": " + c);
              }
            }
          });
      assertEquals(List.of(), wrong);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void serverReflectionIsOffWithAuthenticationOn() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    try {
      for (String method :
          List.of(
              "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
              "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")) {
        assertEquals(
            Status.Code.UNIMPLEMENTED,
            callRaw(channel, method, token(Set.of(Roles.SCORER))),
            method);
      }
    } finally {
      channel.shutdownNow();
    }
  }

  static com.google.protobuf.Struct struct(Map<String, Object> applicant) {
    var s = com.google.protobuf.Struct.newBuilder();
    applicant.forEach(
        (k, v) ->
            s.putFields(
                k,
                v instanceof Number n
                    ? com.google.protobuf.Value.newBuilder().setNumberValue(n.doubleValue()).build()
                    : com.google.protobuf.Value.newBuilder().setStringValue(v.toString()).build()));
    return s.build();
  }

  @Test
  void theCallerOfEveryDecisionIsInItsAuditRecord() throws Exception {
    String restId = "caller-rest-" + UUID.randomUUID();
    given()
        .contentType(ContentType.JSON)
        .header("Authorization", "Bearer " + token(Set.of(Roles.SCORER)))
        .body(Map.of("request_id", restId, "applicants", List.of(CreditApiTest.applicant())))
        .post("/v1/credit/score")
        .then()
        .statusCode(200);
    String grpcId = "caller-grpc-" + UUID.randomUUID();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    try {
      var credit = CreditScoringGrpc.newBlockingStub(channel);
      var answer =
          TestKeys.withBearer(credit, token(Set.of(Roles.SCORER, Roles.AUDITOR)))
              .score(
                  ScoreRequest.newBuilder()
                      .setRequestId(grpcId)
                      .addApplicants(struct(CreditApiTest.applicant()))
                      .build());
      assertEquals("", answer.getError().getMessage(), answer.toString());
    } finally {
      channel.shutdownNow();
    }
    ObjectMapper json = new ObjectMapper();
    assertEquals(
        subject(Set.of(Roles.SCORER)),
        json.readTree(DecisioningApiTest.auditLinesOf(restId).get(0)).path("caller").asText());
    assertEquals(
        subject(Set.of(Roles.SCORER, Roles.AUDITOR)),
        json.readTree(DecisioningApiTest.auditLinesOf(grpcId).get(0)).path("caller").asText());
  }

  @Test
  void aControlKeyIsAnIdentityOfTheSecurityStack() {
    given()
        .header("Authorization", "Bearer " + io.creditscorer.TestRepositoryResource.VIEWER_KEY)
        .post("/v2/repository/index")
        .then()
        .statusCode(200);
    given()
        .header("Authorization", "Bearer " + io.creditscorer.TestRepositoryResource.VIEWER_KEY)
        .contentType(ContentType.JSON)
        .body(Map.of("applicants", List.of(CreditApiTest.applicant())))
        .post("/v1/credit/score")
        .then()
        .statusCode(403);
  }
}
