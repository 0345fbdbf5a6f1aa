package io.creditscorer.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.creditscorer.base.Ticker;
import io.quarkus.arc.Unremovable;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * MicroProfile JWT bearer tokens, verified once and then remembered: a token's identity is kept,
 * keyed by the token itself (found by its hash, matched by equality, so no other token can collide
 * with it), until the token expires or {@code scorer.auth.token-cache.max-age} passes, whichever
 * comes first, so a caller that presents the same token on every request costs one signature check,
 * not one per request. The identity holds the token anyway, so a digest of it as the key would hide
 * nothing and cost a SHA-256 per request. The identity is built from the token alone, nothing of
 * the request that brought it, so any later request may be answered with it. Verification itself is
 * MicroProfile JWT's ({@code mp.jwt.verify.*}): issuer, audience, algorithm, expiry and the key or
 * JWKS. A token that fails is never remembered. Ahead of MicroProfile JWT's own provider, which
 * then sees only what this one does not handle.
 */
@ApplicationScoped
@Unremovable
public class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {

  private final JWTParser parser;
  private final boolean blocking;
  private final Ticker ticker;
  private final Clock clock;
  private final Cache<String, Verified> cache;

  /**
   * A token's identity, ready to answer with, and when the cache lets go of it (ticker
   * nanoseconds).
   */
  private record Verified(Uni<SecurityIdentity> identity, long forgetAt) {}

  @Inject
  public VerifiedTokens(JWTParser parser, MpJwtValidator validator, AuthSettings settings) {
    this(
        parser,
        validator.isBlockingAuthentication(),
        settings.tokenCache().maxEntries(),
        settings.tokenCache().maxAge(),
        Ticker.system(),
        Clock.systemUTC());
  }

  VerifiedTokens(
      JWTParser parser,
      boolean blocking,
      long maxEntries,
      Duration maxAge,
      Ticker ticker,
      Clock clock) {
    this.parser = parser;
    this.blocking = blocking;
    this.ticker = ticker;
    this.clock = clock;
    long maxAgeNanos = maxAge.toNanos();
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .ticker(ticker::read)
            .executor(Runnable::run)
            .expireAfter(
                new Expiry<String, Verified>() {
                  @Override
                  public long expireAfterCreate(String key, Verified v, long now) {
                    return Math.max(0, Math.min(v.forgetAt() - now, maxAgeNanos));
                  }

                  @Override
                  public long expireAfterUpdate(String key, Verified v, long now, long left) {
                    return left;
                  }

                  @Override
                  public long expireAfterRead(String key, Verified v, long now, long left) {
                    return left;
                  }
                })
            .build();
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public int priority() {
    // After the control keys, before MicroProfile JWT's own provider (the default priority).
    return ApiKeyIdentityProvider.DEFAULT_PRIORITY + 1;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    if (!(request.getToken() instanceof JsonWebTokenCredential)) {
      return Uni.createFrom().nullItem();
    }
    String token = request.getToken().getToken();
    Uni<SecurityIdentity> known = remembered(token);
    if (known != null) {
      return known;
    }
    if (blocking) { // a remote JWKS may have to be fetched
      return context.runBlocking(() -> verify(token, request));
    }
    return Uni.createFrom()
        .emitter(
            e -> {
              try {
                e.complete(verify(token, request));
              } catch (AuthenticationFailedException failed) {
                e.fail(failed);
              }
            });
  }

  /** The identity of a token verified before and not yet forgotten, or null. */
  public Uni<SecurityIdentity> remembered(String token) {
    Verified known = cache.getIfPresent(token);
    return known == null ? null : known.identity();
  }

  private SecurityIdentity verify(String token, TokenAuthenticationRequest r) {
    JsonWebToken claims;
    try {
      claims = parser.parse(token);
    } catch (ParseException e) {
      throw new AuthenticationFailedException(e);
    }
    SecurityIdentity identity = identity(claims, r);
    long secondsLeft = claims.getExpirationTime() - clock.instant().getEpochSecond();
    if (secondsLeft > 0) {
      cache.put(
          token,
          new Verified(
              Uni.createFrom().item(identity),
              ticker.read() + TimeUnit.SECONDS.toNanos(secondsLeft)));
    }
    return identity;
  }

  private static SecurityIdentity identity(JsonWebToken claims, TokenAuthenticationRequest r) {
    return QuarkusSecurityIdentity.builder()
        .setPrincipal(claims)
        .addCredential(r.getToken())
        .addRoles(claims.getGroups())
        .addAttribute(SecurityIdentity.USER_ATTRIBUTE, claims)
        .build();
  }

  /** Tokens remembered now (for tests and diagnostics). */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }
}
