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
 * Carries the gRPC twins of two HTTP headers to the call: {@code idempotency-key} and {@code
 * authorization} (the model-control key).
 */
@GlobalInterceptor
@ApplicationScoped
public class CallMetadataInterceptor implements ServerInterceptor {

  static final Context.Key<String> IDEMPOTENCY_KEY = Context.key("idempotency-key");
  static final Context.Key<String> AUTHORIZATION = Context.key("authorization");
  private static final Metadata.Key<String> IDEMPOTENCY_HEADER =
      Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> AUTHORIZATION_HEADER =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String key = headers.get(IDEMPOTENCY_HEADER);
    String authorization = headers.get(AUTHORIZATION_HEADER);
    if (key == null && authorization == null) {
      return next.startCall(call, headers);
    }
    Context context = Context.current();
    if (key != null) {
      context = context.withValue(IDEMPOTENCY_KEY, key);
    }
    if (authorization != null) {
      context = context.withValue(AUTHORIZATION, authorization);
    }
    return Contexts.interceptCall(context, call, headers, next);
  }
}
