package io.creditscorer.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Carries the gRPC twin of the {@code Idempotency-Key} header to the call ({@code idempotency-key}
 * metadata). The {@code authorization} metadata is the security stack's ({@link BearerTokens}).
 */
@GlobalInterceptor
@ApplicationScoped
public class CallMetadataInterceptor implements ServerInterceptor {

  static final Context.Key<String> IDEMPOTENCY_KEY = Context.key("idempotency-key");
  private static final Metadata.Key<String> IDEMPOTENCY_HEADER =
      Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String key = headers.get(IDEMPOTENCY_HEADER);
    if (key == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(
        Context.current().withValue(IDEMPOTENCY_KEY, key), call, headers, next);
  }
}
