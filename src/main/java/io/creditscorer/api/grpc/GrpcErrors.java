package io.creditscorer.api.grpc;

import io.creditscorer.api.Incidents;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.ScoringException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;

/** The gRPC door's one exception mapping: each failure kind has its status code. */
final class GrpcErrors {

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
    if (e instanceof ScoringException s && s.kind() != ScoringException.Kind.INTERNAL) {
      return Status.fromCode(code(s.kind())).withDescription(describe(s)).asRuntimeException();
    }
    String id = Incidents.report("gRPC call failed", e);
    return Status.INTERNAL.withDescription(Incidents.answer(id)).asRuntimeException();
  }

  /**
   * What a status says on the wire (percent-encoded in the {@code grpc-message} trailer): the
   * message, or every offending field for invalid input, as many as fit in {@value
   * #MAX_DESCRIPTION_BYTES} encoded bytes, so a client's metadata limit (8 KiB by default) is never
   * reached.
   */
  static String describe(ScoringException s) {
    if (!(s instanceof InvalidInputException i) || i.errors().size() < 2) {
      return fit(s.getMessage());
    }
    StringBuilder out = new StringBuilder();
    int budget = MAX_DESCRIPTION_BYTES;
    List<InvalidInputException.FieldError> errors = i.errors();
    for (int n = 0; n < errors.size(); n++) {
      InvalidInputException.FieldError f = errors.get(n);
      String one =
          (n > 0 ? "; " : "") + (f.field() == null ? f.problem() : f.field() + ": " + f.problem());
      int cost = encodedBytes(one);
      if (cost > budget - MORE_RESERVE) {
        out.append("; and ").append(errors.size() - n).append(" more");
        break;
      }
      out.append(one);
      budget -= cost;
    }
    return out.toString();
  }

  /** The most a description takes on the wire, percent-encoding included. */
  static final int MAX_DESCRIPTION_BYTES = 2048;

  private static final int MORE_RESERVE = 24;

  /** {@code text} cut where its encoded form would pass the budget. */
  private static String fit(String text) {
    if (text == null || encodedBytes(text) <= MAX_DESCRIPTION_BYTES) {
      return text;
    }
    int budget = MAX_DESCRIPTION_BYTES - 3;
    int end = 0;
    while (end < text.length()) {
      int c = text.codePointAt(end);
      int cost = encodedBytes(new String(Character.toChars(c)));
      if (cost > budget) {
        break;
      }
      budget -= cost;
      end += Character.charCount(c);
    }
    return text.substring(0, end) + "…";
  }

  /** Bytes of {@code text} in a {@code grpc-message} trailer: printable ASCII but %, else %XX. */
  static int encodedBytes(String text) {
    int n = 0;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      n += b >= 0x20 && b < 0x7f && b != '%' ? 1 : 3;
    }
    return n;
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
