package io.creditscorer.security;

import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Token-signing keys made for one test run, and a gRPC stub that presents a token. */
public final class TestKeys {

  private TestKeys() {}

  /** A fresh RSA 2048 key pair (RS256). */
  public static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as a PEM file holds it ({@code mp.jwt.verify.publickey.location}). */
  public static String publicPem(KeyPair keys) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** {@code stub} with the bearer {@code token} on each of its calls (as it is, if null). */
  public static <S extends AbstractStub<S>> S withBearer(S stub, String token) {
    if (token == null) {
      return stub;
    }
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }
}
