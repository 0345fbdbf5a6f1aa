package io.creditscorer.api.grpc;

import io.grpc.Metadata;
import io.quarkus.grpc.auth.GrpcSecurityMechanism;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import jakarta.inject.Singleton;

/**
 * gRPC's twin of the REST door's bearer authentication: the {@code authorization: Bearer <token>}
 * metadata becomes a token authentication request for Quarkus' identity providers (the control
 * keys, then MicroProfile JWT), so both doors authenticate and authorise through the same stack.
 */
@Singleton
public class BearerTokens implements GrpcSecurityMechanism {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";

  @Override
  public boolean handles(Metadata metadata) {
    String value = metadata.get(AUTHORIZATION);
    return value != null && value.regionMatches(true, 0, BEARER, 0, BEARER.length());
  }

  @Override
  public AuthenticationRequest createAuthenticationRequest(Metadata metadata) {
    String token = metadata.get(AUTHORIZATION).substring(BEARER.length()).strip();
    // MicroProfile JWT's provider takes its own credential type; the control keys' provider any.
    return new TokenAuthenticationRequest(new JsonWebTokenCredential(token));
  }
}
