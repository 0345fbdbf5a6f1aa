package io.creditscorer.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.creditscorer.api.rest.CreditApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Authentication against a JWKS fetched over HTTP, as an identity provider behind the company's
 * issuer publishes it: MicroProfile JWT then verifies on a worker thread, not the event loop, and
 * the answer has to find its way back to the request. The JWKS is served here, for this run.
 */
@QuarkusTest
@TestProfile(JwksAuthenticationTest.RemoteKeys.class)
class JwksAuthenticationTest {

  static final String KEY_ID = "signing-key";
  static final KeyPair SIGNER = TestKeys.rsa();
  static final AtomicInteger FETCHES = new AtomicInteger();

  /** Authentication on, the public key published as a JWKS by a server of this test. */
  public static class RemoteKeys implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "scorer.auth.enabled",
          "true",
          "mp.jwt.verify.publickey.location",
          "http://127.0.0.1:" + serveJwks() + "/jwks.json",
          "mp.jwt.verify.issuer",
          AuthorizationTest.ISSUER,
          "mp.jwt.verify.audiences",
          AuthorizationTest.AUDIENCE);
    }
  }

  @Test
  void aTokenSignedByAPublishedKeyScoresAndAnotherIsRefused() {
    assertEquals(200, score(token(Set.of(Roles.SCORER), SIGNER.getPrivate())));
    assertTrue(FETCHES.get() > 0, "the JWKS was fetched");

    assertEquals(403, score(token(Set.of(Roles.AUDITOR), SIGNER.getPrivate())));
    assertEquals(401, score(token(Set.of(Roles.SCORER), TestKeys.rsa().getPrivate())));
    assertEquals(401, score(null));
  }

  private static int score(String token) {
    var request =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("applicants", List.of(CreditApiTest.applicant())));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.post("/v1/credit/score").then().extract().statusCode();
  }

  private static String token(Set<String> roles, PrivateKey key) {
    return Jwt.issuer(AuthorizationTest.ISSUER)
        .audience(AuthorizationTest.AUDIENCE)
        .subject(AuthorizationTest.subject(roles))
        .groups(roles)
        .expiresAt(Instant.now().plusSeconds(300))
        .jws()
        .keyId(KEY_ID)
        .algorithm(SignatureAlgorithm.RS256)
        .sign(key);
  }

  /** Starts a server that answers the JWKS of {@link #SIGNER}, and returns its port. */
  private static int serveJwks() {
    RSAPublicKey key = (RSAPublicKey) SIGNER.getPublic();
    byte[] jwks =
        ("{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\""
                + KEY_ID
                + "\",\"n\":\""
                + base64Url(key.getModulus())
                + "\",\"e\":\""
                + base64Url(key.getPublicExponent())
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/jwks.json",
          exchange -> {
            FETCHES.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
          });
      server.start();
      return server.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JWK number: its unsigned big-endian bytes, base64url without padding. */
  private static String base64Url(BigInteger n) {
    byte[] b = n.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      b = Arrays.copyOfRange(b, 1, b.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
