package io.creditscorer.api.grpc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.http.ClientAuth;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** The gRPC door's limits and TLS ({@code scorer.grpc.*}); the message size is Quarkus' own key. */
@ConfigMapping(prefix = "scorer.grpc")
public interface GrpcSettings {

  /**
   * Scoring calls (ModelInfer, Score, ScoreStream) in progress at once on the gRPC port; beyond it
   * a call is refused with RESOURCE_EXHAUSTED before its message is read, as REST refuses with 429.
   */
  @WithDefault("256")
  int maxInflight();

  /** In progress at most during a burst; default four times {@link #maxInflight}. */
  OptionalInt burstInflight();

  /** How long a burst above {@code max-inflight} is admitted; 0 turns bursts off. */
  @WithDefault("1s")
  Duration burstGrace();

  /** Calls (HTTP/2 streams) one connection may have open at once. */
  @WithDefault("100")
  int maxConcurrentCallsPerConnection();

  /** A connection with no call for this long is closed (with a GOAWAY). */
  @WithDefault("5m")
  Duration maxConnectionIdle();

  /**
   * Stream resets a client may send in {@link #rstWindow} before its connection is closed: the
   * HTTP/2 "rapid reset" defence.
   */
  @WithDefault("200")
  int maxRstFramesPerWindow();

  @WithDefault("10s")
  Duration rstWindow();

  /** TLS on the gRPC port, from the Quarkus TLS registry. */
  Tls tls();

  /** {@code scorer.grpc.tls.*}. */
  interface Tls {

    /**
     * The TLS registry's configuration ({@code quarkus.tls.<name>.*}) whose key store the gRPC port
     * serves, reloaded with it; unset: plain text.
     */
    Optional<String> configurationName();

    /**
     * Whether callers must show a certificate signed by the configuration's trust store (mutual
     * TLS): {@code none}, {@code request} or {@code required}, as {@code
     * quarkus.http.ssl.client-auth}.
     */
    @WithDefault("none")
    ClientAuth clientAuth();
  }
}
