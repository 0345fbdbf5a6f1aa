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
import io.creditscorer.api.grpc.v2.ModelMetadataRequest;
import io.creditscorer.api.grpc.v2.RepositoryIndexRequest;
import io.creditscorer.api.grpc.v2.ServerLiveRequest;
import io.creditscorer.api.rest.CreditApiTest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
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
  static final KeyPair SIGNER = keyPair();
  static final KeyPair STRANGER = keyPair();
  static final Path PUBLIC_KEY = Path.of("target/auth-test/public-key.pem");

  /** Authentication on, verifying tokens with the key made above. */
  public static class AuthOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Files.createDirectories(PUBLIC_KEY.getParent());
        Files.writeString(
            PUBLIC_KEY,
            "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(SIGNER.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
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
          AUDIENCE);
    }
  }

  static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String token(Set<String> roles) {
    return token(roles, ISSUER, Instant.now().plusSeconds(300), SIGNER.getPrivate());
  }

  static String token(Set<String> roles, String issuer, Instant expires, PrivateKey key) {
    return Jwt.issuer(issuer)
        .audience(AUDIENCE)
        .subject("caller-" + String.join("-", roles))
        .groups(roles)
        .issuedAt(expires.minusSeconds(600))
        .expiresAt(expires)
        .jws()
        .algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
        .sign(key);
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

  /** One REST endpoint, the role it needs, and how to call it. */
  record Endpoint(String role, String method, String path, Object body) {
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
    return List.of(
        new Endpoint(
            Roles.SCORER, "POST", "/v1/credit/score", Map.of("applicants", List.of(applicant))),
        new Endpoint(Roles.SCORER, "GET", "/v2/models/credit-risk", null),
        new Endpoint(Roles.SCORER, "GET", "/v2/models/credit-risk/versions/1", null),
        new Endpoint(
            Roles.SCORER,
            "POST",
            "/v2/models/credit-risk/versions/1/infer",
            Map.of("inputs", List.of())),
        new Endpoint(
            Roles.SCORER, "POST", "/v2/models/credit-risk/infer", Map.of("inputs", List.of())),
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
        new Endpoint(Roles.AUDITOR, "GET", "/v1/credit/performance", null),
        new Endpoint(Roles.MODEL_VIEWER, "POST", "/v2/repository/index", null),
        new Endpoint(Roles.MODEL_VIEWER, "GET", "/v2/repository/models/credit-risk/routing", null),
        new Endpoint(Roles.MODEL_ADMIN, "POST", "/v2/repository/models/no-such-model/load", null),
        new Endpoint(Roles.MODEL_ADMIN, "POST", "/v2/repository/models/no-such-model/unload", null),
        new Endpoint(
            Roles.MODEL_ADMIN, "PUT", "/v2/repository/models/credit-risk/routing", Map.of()));
  }

  @Test
  void everyRestEndpointRefusesWithoutAValidTokenAndAdmitsOnlyItsRole() {
    List<String> wrong = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      String what = e.method() + " " + e.path();
      check(wrong, what + " without a token", e.call(null), 401);
      invalidTokens().forEach((kind, t) -> check(wrong, what + " with " + kind, e.call(t), 401));
      for (String role : ROLES) {
        int status = e.call(token(Set.of(role)));
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
  void healthProbesAndServerMetadataStayOpen() {
    given().get("/v2/health/ready").then().statusCode(200);
    given().get("/v2/health/live").then().statusCode(200);
    given().get("/v2").then().statusCode(200);
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

  static <S extends AbstractStub<S>> S as(S stub, String token) {
    if (token == null) {
      return stub;
    }
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void everyGrpcMethodRefusesWithoutAValidTokenAndAdmitsOnlyItsRole() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    try {
      var inference = GRPCInferenceServiceGrpc.newBlockingStub(channel);
      var credit = CreditScoringGrpc.newBlockingStub(channel);
      Map<String, Consumer<String>> calls = new LinkedHashMap<>();
      Map<String, String> roleOf = new LinkedHashMap<>();
      calls.put(
          "ModelMetadata",
          t ->
              as(inference, t)
                  .modelMetadata(ModelMetadataRequest.newBuilder().setName("credit-risk").build()));
      roleOf.put("ModelMetadata", Roles.SCORER);
      calls.put("Score", t -> as(credit, t).score(ScoreRequest.newBuilder().build()));
      roleOf.put("Score", Roles.SCORER);
      calls.put(
          "ReportOutcomes",
          t ->
              as(credit, t)
                  .reportOutcomes(
                      io.creditscorer.api.grpc.credit.OutcomesRequest.newBuilder().build()));
      roleOf.put("ReportOutcomes", Roles.OUTCOME_REPORTER);
      calls.put(
          "RepositoryIndex",
          t -> as(inference, t).repositoryIndex(RepositoryIndexRequest.getDefaultInstance()));
      roleOf.put("RepositoryIndex", Roles.MODEL_VIEWER);
      List<String> wrong = new ArrayList<>();
      calls.forEach(
          (name, call) -> {
            Status.Code none = code(() -> call.accept(null));
            if (none != Status.Code.UNAUTHENTICATED) {
              wrong.add(name + " without a token: " + none);
            }
            invalidTokens()
                .forEach(
                    (kind, t) -> {
                      Status.Code c = code(() -> call.accept(t));
                      if (c != Status.Code.UNAUTHENTICATED) {
                        wrong.add(name + " with " + kind + ": " + c);
                      }
                    });
            for (String role : ROLES) {
              Status.Code c = code(() -> call.accept(token(Set.of(role))));
              boolean own = role.equals(roleOf.get(name));
              if (own && (c == Status.Code.UNAUTHENTICATED || c == Status.Code.PERMISSION_DENIED)) {
                wrong.add(name + " refused its own role " + role + ": " + c);
              }
              if (!own && c != Status.Code.PERMISSION_DENIED) {
                wrong.add(name + " as " + role + ": " + c);
              }
            }
          });
      assertEquals(List.of(), wrong);
      assertEquals(
          Status.Code.OK, code(() -> inference.serverLive(ServerLiveRequest.getDefaultInstance())));
    } finally {
      channel.shutdownNow();
    }
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
