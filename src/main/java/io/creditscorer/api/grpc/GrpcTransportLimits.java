package io.creditscorer.api.grpc;

import io.grpc.netty.NettyServerBuilder;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server's transport limits, set on grpc-java's Netty server under Vert.x (Quarkus runs it
 * as a separate server on port 9000): concurrent streams per connection, idle connections, and the
 * rapid-reset defence. The message and metadata sizes are Quarkus' own keys ({@code
 * quarkus.grpc.server.max-inbound-message-size}, {@code max-inbound-metadata-size}).
 */
@Singleton
public class GrpcTransportLimits implements ServerBuilderCustomizer<VertxServerBuilder> {

  private final GrpcSettings settings;

  public GrpcTransportLimits(GrpcSettings settings) {
    this.settings = settings;
  }

  @Override
  public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
    NettyServerBuilder netty = builder.nettyBuilder();
    netty
        .maxConcurrentCallsPerConnection(settings.maxConcurrentCallsPerConnection())
        .maxConnectionIdle(settings.maxConnectionIdle().toMillis(), TimeUnit.MILLISECONDS)
        .maxRstFramesPerWindow(
            settings.maxRstFramesPerWindow(), (int) settings.rstWindow().toSeconds());
  }
}
