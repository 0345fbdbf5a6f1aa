package io.creditscorer.api.rest;

import io.creditscorer.security.AuthSettings;
import io.creditscorer.security.VerifiedTokens;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JWTAuthMechanism;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * The REST door's bearer tokens while authentication is on: a token {@link VerifiedTokens} has
 * verified before is answered with the identity it remembers, without another pass through the
 * identity providers. Every other request (a new token, a control key, a forgery, a token in a
 * cookie) goes to MicroProfile JWT's own mechanism, which sends it through them. Both give the same
 * identity: the providers would answer a remembered token from the same memory, and with
 * authentication on no augmentor changes an identity. With it off, the open data plane adds roles
 * to every identity, so every request takes the providers' way.
 */
@ApplicationScoped
public class RememberedBearerTokens implements HttpAuthenticationMechanism {

  private static final String BEARER = "Bearer ";

  private final VerifiedTokens tokens;
  private final JWTAuthMechanism jwt;
  private final boolean enabled;

  public RememberedBearerTokens(VerifiedTokens tokens, JWTAuthMechanism jwt, AuthSettings auth) {
    this.tokens = tokens;
    this.jwt = jwt;
    this.enabled = auth.enabled();
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identityProviderManager) {
    String header = enabled ? context.request().getHeader(HttpHeaders.AUTHORIZATION) : null;
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      Uni<SecurityIdentity> known = tokens.remembered(header.substring(BEARER.length()).strip());
      if (known != null) {
        return known;
      }
    }
    return jwt.authenticate(context, identityProviderManager);
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return jwt.getChallenge(context);
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return jwt.getCredentialTypes();
  }

  @Override
  public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
    return jwt.getCredentialTransport(context);
  }

  @Override
  public int getPriority() {
    // Ahead of MicroProfile JWT's own mechanism, which it stands in front of.
    return jwt.getPriority() + 1;
  }
}
