package io.creditscorer.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.creditscorer.Management;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.ServerLiveRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * REST and gRPC over TLS from the Quarkus TLS registry, with a certificate authority made here:
 * Java's HttpClient and grpc-java connect with the authority as their only trust; the gRPC port
 * requires a client certificate from it (mutual TLS); plain HTTP is off; a renewed certificate
 * written over the files is served to new connections without a restart.
 */
@QuarkusTest
@TestProfile(TlsTest.TlsOn.class)
class TlsTest {

  static final Path DIR = Path.of("target/tls-test").toAbsolutePath();
  static final Path CERT = DIR.resolve("tls.crt");
  static final Path KEY = DIR.resolve("tls.key");
  static final TestCertificates CA = new TestCertificates("scorer-test-ca");
  static final TestCertificates STRANGER = new TestCertificates("stranger-ca");
  static final TestCertificates.Issued CLIENT = CA.client("internal-caller");
  static final int HTTPS = 8444;
  static final int GRPC = 9001;

  /** TLS on both doors from one registry configuration, mutual on gRPC. */
  public static class TlsOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      CA.writeCa(DIR.resolve("ca.crt"));
      CA.server("credit-scorer").write(CERT, KEY);
      return Map.of(
          "quarkus.tls.scorer.key-store.pem.0.cert", CERT.toString(),
          "quarkus.tls.scorer.key-store.pem.0.key", KEY.toString(),
          "quarkus.tls.scorer.trust-store.pem.certs", DIR.resolve("ca.crt").toString(),
          "quarkus.tls.scorer.reload-period", "1s",
          "quarkus.http.tls-configuration-name", "scorer",
          "quarkus.http.insecure-requests", "disabled",
          "scorer.grpc.tls.configuration-name", "scorer",
          "scorer.grpc.tls.client-auth", "required");
    }
  }

  /** Trusts {@code CA} alone and remembers the certificate the server showed. */
  static final class Seen implements X509TrustManager {
    final X509TrustManager trust = CA.trustManager();
    final AtomicReference<X509Certificate> server = new AtomicReference<>();

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth)
        throws java.security.cert.CertificateException {
      trust.checkServerTrusted(chain, auth);
      server.set(chain[0]);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return trust.getAcceptedIssuers();
    }
  }

  /** The serial of the certificate a new REST connection is shown; its answer must be 200. */
  static BigInteger restServes() throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new X509TrustManager[] {CA.trustManager()}, null);
    // A new client each time: a new connection, so a new handshake.
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + HTTPS + "/v2/health/ready"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSerialNumber();
  }

  /** The serial a new gRPC connection is shown, with {@code client}'s certificate. */
  static BigInteger grpcServes(TestCertificates.Issued client) throws Exception {
    Seen seen = new Seen();
    SslContextBuilder tls = GrpcSslContexts.forClient().trustManager(seen);
    if (client != null) {
      tls.keyManager(client.keys().getPrivate(), client.certificate());
    }
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", GRPC).sslContext(tls.build()).build();
    try {
      GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .serverLive(ServerLiveRequest.getDefaultInstance());
      return seen.server.get().getSerialNumber();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void restServesTlsAndPlainHttpIsOff() throws Exception {
    BigInteger serial = restServes();
    assertEquals(serial, grpcServes(CLIENT), "both doors show the registry's certificate");
    HttpClient plain = HttpClient.newHttpClient();
    assertThrows(
        ConnectException.class,
        () ->
            plain.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:8081/v2/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()));
    Management.given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void theGrpcPortAdmitsOnlyCallersWithACertificateOfTheTrustedAuthority() {
    for (TestCertificates.Issued caller :
        new TestCertificates.Issued[] {null, STRANGER.client("outsider")}) {
      StatusRuntimeException refused =
          assertThrows(StatusRuntimeException.class, () -> grpcServes(caller));
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    }
    ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", GRPC).usePlaintext().build();
    try {
      assertThrows(
          StatusRuntimeException.class,
          () ->
              GRPCInferenceServiceGrpc.newBlockingStub(plain)
                  .withDeadlineAfter(30, TimeUnit.SECONDS)
                  .serverLive(ServerLiveRequest.getDefaultInstance()));
    } finally {
      plain.shutdownNow();
    }
  }

  @Test
  void aRenewedCertificateIsServedWithoutARestart() throws IOException {
    TestCertificates.Issued renewed = CA.server("credit-scorer");
    renewed.write(CERT, KEY);
    await("the renewed certificate on both doors")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                restServes().equals(renewed.serial())
                    && grpcServes(CLIENT).equals(renewed.serial()));
  }
}
