package io.creditscorer.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Carries the {@code idempotency-key} metadata (the gRPC twin of the HTTP header) to the call. */
@GlobalInterceptor
@ApplicationScoped
public class IdempotencyKeyInterceptor implements ServerInterceptor {

  static final Context.Key<String> KEY = Context.key("idempotency-key");
  private static final Metadata.Key<String> HEADER =
      Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String key = headers.get(HEADER);
    if (key == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(KEY, key), call, headers, next);
  }
}
