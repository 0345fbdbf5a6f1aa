package io.creditscorer.api.rest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;

/** The REST door's limits ({@code scorer.http.*}). */
@ConfigMapping(prefix = "scorer.http")
public interface HttpSettings {
  /** Largest request body accepted, in bytes; larger ones get 413. */
  @WithDefault("4194304")
  long maxBodyBytes();

  /**
   * Scoring requests (credit and V2 infer) in progress at once; beyond it: 429 before the body is
   * read. Bounds the latency of accepted requests under overload (Little's law: in-flight =
   * throughput x latency).
   */
  @WithDefault("256")
  int maxInflight();

  /**
   * In progress at most during a burst; default four times {@link #maxInflight}. A burst above
   * {@code max-inflight} is admitted for {@link #burstGrace}, so a short stall of the host is
   * absorbed instead of refused.
   */
  OptionalInt burstInflight();

  /**
   * How long requests in progress may stay above {@code max-inflight} before the excess counts as a
   * standing overload and is refused; 0 turns bursts off.
   */
  @WithDefault("1s")
  Duration burstGrace();
}
