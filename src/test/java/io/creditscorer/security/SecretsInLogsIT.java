package io.creditscorer.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.PackagedService;
import io.creditscorer.api.rest.CreditApiTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar with authentication on, its keys configured as a deployment configures them:
 * after a run with valid and invalid tokens, control keys and outcomes, no configured key, password
 * or token appears anywhere in what the run wrote (its log, the audit trail, the decision store).
 */
class SecretsInLogsIT {

  static final SecureRandom RANDOM = new SecureRandom();

  static String secret(String prefix) {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return prefix + HexFormat.of().formatHex(b);
  }

  @Test
  void noConfiguredSecretOrTokenIsWrittenAnywhere() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "secrets-it");
    Path publicKey = dir.resolve("jwt.pem");
    Files.writeString(publicKey, TestKeys.publicPem(AuthorizationTest.SIGNER));
    TestCertificates ca = new TestCertificates("secrets-it-ca");
    TestCertificates.Issued server = ca.server("credit-scorer");
    server.write(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("the audit HMAC key", secret("hmac-"));
    secrets.put("the admin key", secret("admin-"));
    secrets.put("the viewer key", secret("viewer-"));
    String tlsKey = Files.readString(dir.resolve("tls.key"));
    secrets.put(
        "the TLS private key",
        tlsKey.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat));
    List<String> options =
        List.of(
            "-Dscorer.auth.enabled=true",
            "-Dmp.jwt.verify.publickey.location=" + publicKey.toAbsolutePath(),
            "-Dmp.jwt.verify.issuer=" + AuthorizationTest.ISSUER,
            "-Dmp.jwt.verify.audiences=" + AuthorizationTest.AUDIENCE,
            "-Dscorer.audit.hmac-key=" + secrets.get("the audit HMAC key"),
            "-Dscorer.audit.hmac-key-id=it-1",
            "-Dscorer.control.admin-keys=" + secrets.get("the admin key"),
            "-Dscorer.control.viewer-keys=" + secrets.get("the viewer key"),
            "-Dquarkus.tls.scorer.key-store.pem.0.cert=" + dir.resolve("tls.crt").toAbsolutePath(),
            "-Dquarkus.tls.scorer.key-store.pem.0.key=" + dir.resolve("tls.key").toAbsolutePath(),
            "-Dscorer.grpc.tls.configuration-name=scorer",
            "-Dquarkus.log.category.\"io.creditscorer\".level=DEBUG");
    String scorer = AuthorizationTest.token(Set.of(Roles.SCORER));
    String reporter = AuthorizationTest.token(Set.of(Roles.OUTCOME_REPORTER, Roles.AUDITOR));
    Map<String, String> tokens = new LinkedHashMap<>(AuthorizationTest.invalidTokens());
    tokens.put("the scorer's token", scorer);
    tokens.put("the reporter's token", reporter);
    try (PackagedService service = new PackagedService(dir, options).start()) {
      HttpClient client = HttpClient.newHttpClient();
      String body =
          new ObjectMapper()
              .writeValueAsString(
                  Map.of(
                      "request_id",
                      "secrets-it-1",
                      "applicants",
                      List.of(CreditApiTest.applicant())));
      assertEquals(200, post(client, service, "/v1/credit/score", scorer, body));
      for (String bad : AuthorizationTest.invalidTokens().values()) {
        assertEquals(401, post(client, service, "/v1/credit/score", bad, body));
      }
      assertEquals(
          403, post(client, service, "/v1/credit/score", secrets.get("the viewer key"), body));
      assertEquals(
          200, post(client, service, "/v2/repository/index", secrets.get("the admin key"), ""));
      String outcome =
          new ObjectMapper()
              .writeValueAsString(
                  Map.of(
                      "outcomes",
                      List.of(
                          Map.of(
                              "request_id",
                              "secrets-it-1",
                              "defaulted",
                              false,
                              "observed_at",
                              Instant.now().toString()))));
      assertEquals(200, post(client, service, "/v1/credit/outcomes", reporter, outcome));
      service.stop(); // everything written is flushed before the scan
    }
    Map<String, String> everything = new LinkedHashMap<>(secrets);
    tokens.forEach((what, t) -> everything.put(what, t));
    tokens.forEach((what, t) -> everything.put("the signature of " + what, signature(t)));
    List<String> found = new ArrayList<>();
    List<Path> written;
    try (Stream<Path> files = Files.walk(dir)) {
      written =
          files
              .filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().startsWith("tls."))
              .filter(f -> !f.equals(publicKey))
              .toList();
    }
    assertTrue(written.stream().anyMatch(f -> f.endsWith("decisions.log")), written.toString());
    boolean scanned = false;
    for (Path f : written) {
      String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      scanned |= text.contains("secrets-it-1"); // the scan sees what the run wrote
      everything.forEach(
          (what, value) -> {
            if (!value.isEmpty() && text.contains(value)) {
              found.add(what + " in " + f);
            }
          });
    }
    assertTrue(scanned, "the request's id is in what the run wrote");
    assertEquals(List.of(), found);
  }

  /** A token's signature part; a "token" that is none is its own. */
  static String signature(String token) {
    int dot = token.lastIndexOf('.');
    return dot < 0 ? token : token.substring(dot + 1);
  }

  static int post(HttpClient client, PackagedService service, String path, String token, String b) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(service.uri(path))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(b))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
