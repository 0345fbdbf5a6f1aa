package io.creditscorer.api.grpc;

import io.creditscorer.security.AuthSettings;
import io.creditscorer.security.FailedAuthentications;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * The gRPC door's gate while authentication is on, ahead of the security stack: server reflection
 * is refused ({@code UNIMPLEMENTED}: it would list the services to anyone), a peer over the limit
 * of {@link FailedAuthentications} is refused ({@code RESOURCE_EXHAUSTED}) before its token is
 * looked at, and a call that presented a token and ended {@code UNAUTHENTICATED} counts against its
 * peer address. gRPC callers connect directly, so the peer is the transport's remote address.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcAuthenticationGate implements ServerInterceptor, Prioritized {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String REFLECTION = "grpc.reflection.";

  private final FailedAuthentications failures;
  private final boolean enabled;

  public GrpcAuthenticationGate(FailedAuthentications failures, AuthSettings auth) {
    this.failures = failures;
    this.enabled = auth.enabled();
  }

  @Override
  public int getPriority() {
    // Interceptors of higher priority run first; Quarkus' security interceptor has MAX_VALUE - 100.
    return Integer.MAX_VALUE - 50;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!enabled) {
      return next.startCall(call, headers);
    }
    if (call.getMethodDescriptor().getFullMethodName().startsWith(REFLECTION)) {
      return refuse(call, Status.UNIMPLEMENTED.withDescription("server reflection is off"));
    }
    String address = address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    if (address == null) {
      return next.startCall(call, headers);
    }
    Duration refused = failures.refusedFor(address);
    if (!refused.isZero()) {
      return refuse(
          call,
          Status.RESOURCE_EXHAUSTED.withDescription(
              "too many failed authentications from this address; retry in "
                  + (refused.toMillis() + 999) / 1000
                  + " s"));
    }
    if (!headers.containsKey(AUTHORIZATION)) {
      return next.startCall(call, headers);
    }
    return next.startCall(
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            if (status.getCode() == Status.Code.UNAUTHENTICATED) {
              failures.failed(address);
            }
            super.close(status, trailers);
          }
        },
        headers);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static String address(SocketAddress peer) {
    return peer instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : null;
  }
}
