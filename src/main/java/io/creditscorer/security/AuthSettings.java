package io.creditscorer.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * {@code scorer.auth.*}: whether callers of the data plane must authenticate. The bearer tokens are
 * MicroProfile JWT, verified by the standard {@code mp.jwt.verify.*} keys.
 */
@ConfigMapping(prefix = "scorer.auth")
public interface AuthSettings {

  /**
   * Off (a local run, the bare image): every caller may use the data plane, and the service says so
   * in a WARN line; model control still needs a key. On (every overlay): every call needs a valid
   * token or key with the role of what it calls.
   */
  @WithDefault("false")
  boolean enabled();

  /** Verified bearer tokens, remembered so a token costs one signature check. */
  TokenCache tokenCache();

  /** Repeated authentication failures from one client address. */
  Failures failures();

  /**
   * {@code scorer.auth.failures.*}: an address whose credentials failed {@code limit} times within
   * {@code window} is refused (429, {@code RESOURCE_EXHAUSTED}) for {@code block}. The address is
   * the connection's peer, or the forwarded client address when the peer is one of {@code
   * quarkus.http.proxy.trusted-proxies} (with {@code quarkus.http.proxy.proxy-address-forwarding}).
   */
  interface Failures {

    @WithDefault("20")
    int limit();

    @WithDefault("1m")
    Duration window();

    @WithDefault("5m")
    Duration block();

    /** Most addresses remembered at once; the least recently seen are forgotten first. */
    @WithDefault("10000")
    long maxClients();
  }

  /** {@code scorer.auth.token-cache.*}. */
  interface TokenCache {

    /** Most tokens remembered at once; the least recently used go first. */
    @WithDefault("10000")
    long maxEntries();

    /**
     * Longest a token is remembered, even when it expires later: the delay before a key removed
     * from the JWKS stops admitting the tokens it signed.
     */
    @WithDefault("5m")
    Duration maxAge();
  }
}
