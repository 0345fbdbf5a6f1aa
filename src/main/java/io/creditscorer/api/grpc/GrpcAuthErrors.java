package io.creditscorer.api.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import io.quarkus.grpc.auth.AuthExceptionHandler;
import io.quarkus.grpc.auth.AuthExceptionHandlerProvider;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Singleton;

/**
 * The gRPC door's answer to a refused caller, as REST's 401 and 403: no or no valid credentials (an
 * anonymous caller without the role included) is {@code UNAUTHENTICATED}; valid credentials without
 * the role are {@code PERMISSION_DENIED}.
 */
@Singleton
public class GrpcAuthErrors implements AuthExceptionHandlerProvider {

  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 1;
  }

  @Override
  public <Q, R> AuthExceptionHandler<Q, R> createHandler(
      ServerCall.Listener<Q> listener, ServerCall<Q, R> call, Metadata metadata) {
    return new AuthExceptionHandler<>(listener, call, metadata) {
      @Override
      protected void handleException(Throwable e, ServerCall<Q, R> call, Metadata metadata) {
        call.close(status(e), metadata);
      }
    };
  }

  @Override
  public StatusException transformToStatusException(Throwable e) {
    return new StatusException(status(e));
  }

  @Override
  public boolean handlesException(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof AuthenticationException || c instanceof SecurityException) {
        return true;
      }
    }
    return false;
  }

  static Status status(Throwable failure) {
    Throwable e = failure;
    while (!(e instanceof AuthenticationException || e instanceof SecurityException)
        && e.getCause() != null
        && e.getCause() != e) {
      e = e.getCause();
    }
    if (e instanceof AuthenticationException || e instanceof UnauthorizedException) {
      return Status.UNAUTHENTICATED.withDescription("a valid bearer token is required");
    }
    if (e instanceof ForbiddenException || e instanceof SecurityException) {
      return Status.PERMISSION_DENIED.withDescription("the caller's roles do not allow this call");
    }
    return Status.INTERNAL.withDescription(
        "internal error (incident "
            + io.creditscorer.api.Incidents.report("gRPC authorisation failed", failure)
            + ")");
  }
}
