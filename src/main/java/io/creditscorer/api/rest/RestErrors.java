package io.creditscorer.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.creditscorer.api.Incidents;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.ScoringException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The REST door's one exception mapping. Every error answers {@code {"error": "..."}} (the Open
 * Inference Protocol shape), with {@code errors} listing each offending field for invalid input.
 */
public class RestErrors {

  /**
   * The error body; {@code code} and {@code incident} only for an internal error, whose message is
   * never shown.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErrorJson(String error, List<FieldError> errors, String code, String incident) {
    ErrorJson(String error, List<FieldError> errors) {
      this(error, errors, null, null);
    }
  }

  static int status(ScoringException.Kind kind) {
    return switch (kind) {
      case INVALID_INPUT -> 400;
      case NOT_FOUND -> 404;
      case PAYLOAD_TOO_LARGE -> 413;
      case CONFLICT -> 422;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case OVERLOADED -> 429;
      case NOT_READY, UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      case INTERNAL -> 500;
    };
  }

  @ServerExceptionMapper
  public Response map(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof ScoringException s && s.kind() != ScoringException.Kind.INTERNAL) {
      Response.ResponseBuilder r =
          Response.status(status(s.kind()))
              .type(MediaType.APPLICATION_JSON)
              .entity(
                  new ErrorJson(
                      s.getMessage(), s instanceof InvalidInputException i ? i.errors() : null));
      if (s.kind() == ScoringException.Kind.OVERLOADED
          || s.kind() == ScoringException.Kind.NOT_READY
          || s.kind() == ScoringException.Kind.UNAVAILABLE) {
        r.header("Retry-After", "1");
      }
      if (s.kind() == ScoringException.Kind.UNAUTHENTICATED) {
        r.header("WWW-Authenticate", "Bearer realm=\"model-control\"");
      }
      return r.build();
    }
    if (e instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
      int status = w.getResponse().getStatus();
      return Response.status(status)
          .type(MediaType.APPLICATION_JSON)
          .entity(new ErrorJson(w.getMessage(), null))
          .build();
    }
    String id = Incidents.report("Request failed", e);
    return Response.serverError()
        .type(MediaType.APPLICATION_JSON)
        .entity(new ErrorJson(Incidents.answer(id), null, Incidents.CODE, id))
        .build();
  }
}
