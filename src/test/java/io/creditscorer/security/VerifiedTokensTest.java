package io.creditscorer.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** A verified token is remembered until it expires or the cache's maximum age, whichever first. */
class VerifiedTokensTest {

  static final String ISSUER = "https://issuer.test";
  static final KeyPair SIGNER = TestKeys.rsa();
  static final KeyPair STRANGER = TestKeys.rsa();
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  final AtomicLong nanos = new AtomicLong();
  final AtomicInteger parsed = new AtomicInteger();
  final DefaultJWTParser parser =
      new DefaultJWTParser(new JWTAuthContextInfo(SIGNER.getPublic(), ISSUER)) {
        @Override
        public JsonWebToken parse(String token) throws ParseException {
          parsed.incrementAndGet();
          return super.parse(token);
        }
      };

  VerifiedTokens tokens(Duration maxAge) {
    // The parser checks a token's expiry on the real clock; the cache counts on these two.
    return new VerifiedTokens(
        parser, false, 100, maxAge, nanos::get, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static String token(String subject, Instant expires, KeyPair key) {
    return Jwt.issuer(ISSUER)
        .subject(subject)
        .groups(Set.of(Roles.SCORER))
        .expiresAt(expires)
        .sign(key.getPrivate());
  }

  static SecurityIdentity authenticate(VerifiedTokens tokens, String token) {
    return tokens
        .authenticate(new TokenAuthenticationRequest(new JsonWebTokenCredential(token)), null)
        .await()
        .indefinitely();
  }

  @Test
  void aTokenIsVerifiedOnceAndItsClaimsServeTheNextRequests() {
    VerifiedTokens tokens = tokens(Duration.ofMinutes(5));
    String t = token("alice", NOW.plusSeconds(3600), SIGNER);
    for (int i = 0; i < 3; i++) {
      SecurityIdentity id = authenticate(tokens, t);
      assertEquals("alice", id.getPrincipal().getName());
      assertEquals(Set.of(Roles.SCORER), id.getRoles());
    }
    assertEquals(1, parsed.get());
    assertEquals(1, tokens.size());
  }

  @Test
  void aRememberedTokenIsVerifiedAgainAfterTheMaximumAge() {
    VerifiedTokens tokens = tokens(Duration.ofMinutes(5));
    String t = token("bob", NOW.plusSeconds(3600), SIGNER);
    authenticate(tokens, t);
    nanos.addAndGet(Duration.ofMinutes(5).toNanos());
    authenticate(tokens, t);
    assertEquals(2, parsed.get());
  }

  @Test
  void aTokenIsForgottenWhenItExpiresBeforeTheMaximumAge() {
    VerifiedTokens tokens = tokens(Duration.ofHours(2));
    String t = token("carol", NOW.plusSeconds(3600), SIGNER);
    authenticate(tokens, t);
    nanos.addAndGet(Duration.ofSeconds(3600 - 5).toNanos());
    authenticate(tokens, t);
    assertEquals(1, parsed.get());
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    authenticate(tokens, t);
    assertEquals(2, parsed.get());
  }

  @Test
  void theRestDoorFindsATokensIdentityOnlyOnceVerifiedAndUntilItExpires() {
    VerifiedTokens tokens = tokens(Duration.ofHours(2));
    String t = token("dave", NOW.plusSeconds(60), SIGNER);
    assertNull(tokens.remembered(t));
    SecurityIdentity verified = authenticate(tokens, t);
    assertSame(verified, tokens.remembered(t).await().indefinitely());
    nanos.addAndGet(Duration.ofSeconds(61).toNanos());
    assertNull(tokens.remembered(t));
  }

  @Test
  void aTokenThatFailsIsNeverRemembered() {
    VerifiedTokens tokens = tokens(Duration.ofMinutes(5));
    String forged = token("mallory", NOW.plusSeconds(3600), STRANGER);
    for (int i = 0; i < 2; i++) {
      assertThrows(AuthenticationFailedException.class, () -> authenticate(tokens, forged));
    }
    assertEquals(2, parsed.get());
    assertEquals(0, tokens.size());
    assertNull(tokens.remembered(forged));
  }
}
