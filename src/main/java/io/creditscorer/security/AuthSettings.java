package io.creditscorer.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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
}
