package io.creditscorer.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.ModelMetadataRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Repeated authentication failures from one address get it refused for a while, on REST (429 with
 * Retry-After) and gRPC (RESOURCE_EXHAUSTED), valid credentials included; other addresses are not
 * affected; a forwarded client address counts only from a trusted proxy. Each test connects from an
 * address of its own on the loopback network (127.0.0.0/8), so none blocks another.
 */
@QuarkusTest
@TestProfile(FailedAuthenticationTest.Throttled.class)
class FailedAuthenticationTest {

  static final int LIMIT = 3;
  static final String PROXY = "127.0.0.2";

  /** Three failures block; 127.0.0.2 is the one trusted proxy. */
  public static class Throttled extends AuthorizationTest.AuthOn {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> config = new HashMap<>(super.getConfigOverrides());
      config.put("scorer.auth.failures.limit", Integer.toString(LIMIT));
      config.put("scorer.auth.failures.block", "10m");
      config.put("quarkus.http.proxy.proxy-address-forwarding", "true");
      config.put("quarkus.http.proxy.allow-x-forwarded", "true");
      config.put("quarkus.http.proxy.trusted-proxies", PROXY);
      return config;
    }
  }

  static final String BAD =
      AuthorizationTest.token(
          Set.of(Roles.SCORER),
          AuthorizationTest.ISSUER,
          Instant.now().plusSeconds(300),
          AuthorizationTest.STRANGER.getPrivate());

  static RequestSpecification from(String local) throws Exception {
    InetAddress address = InetAddress.getByName(local);
    return given()
        .config(
            RestAssuredConfig.config()
                .httpClient(
                    HttpClientConfig.httpClientConfig()
                        .setParam("http.route.local-address", address)));
  }

  static Response metadata(RequestSpecification r, String token) {
    return r.header("Authorization", "Bearer " + token).get("/v2/models/credit-risk");
  }

  @Test
  void anAddressThatFailsTooOftenIsRefusedEvenWithAValidToken() throws Exception {
    String good = AuthorizationTest.token(Set.of(Roles.SCORER));
    for (int i = 0; i < LIMIT; i++) {
      assertEquals(401, metadata(from("127.0.0.5"), BAD).statusCode());
    }
    Response refused = metadata(from("127.0.0.5"), good);
    assertEquals(429, refused.statusCode());
    long retryAfter = Long.parseLong(refused.header("Retry-After"));
    assertTrue(retryAfter > 0 && retryAfter <= 600, "Retry-After " + retryAfter);
    assertEquals(200, metadata(from("127.0.0.6"), good).statusCode(), "another address");
  }

  @Test
  void aClientBehindTheTrustedProxyIsCountedByItsForwardedAddress() throws Exception {
    String good = AuthorizationTest.token(Set.of(Roles.SCORER));
    for (int i = 0; i < LIMIT; i++) {
      assertEquals(
          401, metadata(from(PROXY).header("X-Forwarded-For", "10.1.1.1"), BAD).statusCode());
    }
    assertEquals(
        429, metadata(from(PROXY).header("X-Forwarded-For", "10.1.1.1"), good).statusCode());
    assertEquals(
        200,
        metadata(from(PROXY).header("X-Forwarded-For", "10.1.1.2"), good).statusCode(),
        "another client of the same proxy");
  }

  @Test
  void aForwardedAddressFromAnUntrustedPeerIsIgnored() throws Exception {
    String good = AuthorizationTest.token(Set.of(Roles.SCORER));
    for (int i = 0; i < LIMIT; i++) {
      // Each failure claims another client: the peer itself is counted.
      assertEquals(
          401,
          metadata(from("127.0.0.7").header("X-Forwarded-For", "10.2.2." + i), BAD).statusCode());
    }
    assertEquals(
        429, metadata(from("127.0.0.7").header("X-Forwarded-For", "10.2.2.99"), good).statusCode());
  }

  @Test
  void aGrpcPeerThatFailsTooOftenIsRefused() throws Exception {
    ManagedChannel channel =
        // The REST tests here connect from addresses of their own, so 127.0.0.1 is this test's.
        NettyChannelBuilder.forAddress("127.0.0.1", 9001).usePlaintext().build();
    try {
      var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
      Runnable bad =
          () ->
              TestKeys.withBearer(stub, BAD)
                  .modelMetadata(ModelMetadataRequest.newBuilder().setName("credit-risk").build());
      for (int i = 0; i < LIMIT; i++) {
        assertEquals(Status.Code.UNAUTHENTICATED, AuthorizationTest.code(bad));
      }
      String good = AuthorizationTest.token(Set.of(Roles.SCORER));
      assertEquals(
          Status.Code.RESOURCE_EXHAUSTED,
          AuthorizationTest.code(
              () ->
                  TestKeys.withBearer(stub, good)
                      .modelMetadata(
                          ModelMetadataRequest.newBuilder().setName("credit-risk").build())));
    } finally {
      channel.shutdownNow();
    }
  }
}
