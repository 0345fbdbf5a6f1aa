package io.creditscorer.api.grpc;

import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.ScoringException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** The gRPC door's one exception mapping: each failure kind has its status code. */
final class GrpcErrors {

  private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  static Status.Code code(ScoringException.Kind kind) {
    return switch (kind) {
      case INVALID_INPUT -> Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case NOT_READY, UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case OVERLOADED, PAYLOAD_TOO_LARGE -> Status.Code.RESOURCE_EXHAUSTED;
      case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
      case CONFLICT -> Status.Code.FAILED_PRECONDITION;
      case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
      case FORBIDDEN -> Status.Code.PERMISSION_DENIED;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  static StatusRuntimeException toStatus(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    if (e instanceof ScoringException s) {
      if (s.kind() == ScoringException.Kind.INTERNAL) {
        LOG.error("gRPC call failed", s);
      }
      return Status.fromCode(code(s.kind())).withDescription(describe(s)).asRuntimeException();
    }
    LOG.error("Unexpected gRPC failure", e);
    return Status.INTERNAL
        .withDescription("internal error: " + e.getClass().getSimpleName())
        .asRuntimeException();
  }

  /** The message, with every offending field for invalid input. */
  static String describe(ScoringException s) {
    if (s instanceof InvalidInputException i && i.errors().size() > 1) {
      return i.errors().stream()
          .map(f -> f.field() == null ? f.problem() : f.field() + ": " + f.problem())
          .collect(Collectors.joining("; "));
    }
    return s.getMessage();
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
