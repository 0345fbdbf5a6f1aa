package io.creditscorer.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.error.ScoringException;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Every kind of failure has its status; overload and not-ready tell the client when to retry. */
class RestErrorsTest {

  final RestErrors errors = new RestErrors();

  Response map(ScoringException.Kind kind) {
    return errors.map(new CompletionException(new ScoringException(kind, "m")));
  }

  @Test
  void eachKindMapsToItsStatus() {
    assertEquals(400, map(ScoringException.Kind.INVALID_INPUT).getStatus());
    assertEquals(404, map(ScoringException.Kind.NOT_FOUND).getStatus());
    assertEquals(413, map(ScoringException.Kind.PAYLOAD_TOO_LARGE).getStatus());
    assertEquals(429, map(ScoringException.Kind.OVERLOADED).getStatus());
    assertEquals("1", map(ScoringException.Kind.OVERLOADED).getHeaderString("Retry-After"));
    assertEquals(503, map(ScoringException.Kind.NOT_READY).getStatus());
    assertEquals(504, map(ScoringException.Kind.DEADLINE_EXCEEDED).getStatus());
    assertEquals(500, map(ScoringException.Kind.INTERNAL).getStatus());
  }

  @Test
  void anUnexpectedFailureIsA500WithAJsonBody() {
    Response r = errors.map(new IllegalStateException("boom"));
    assertEquals(500, r.getStatus());
    RestErrors.ErrorJson body = (RestErrors.ErrorJson) r.getEntity();
    assertEquals("INTERNAL", body.code());
    assertTrue(body.error().contains(body.incident()), "the answer names its incident");
    assertFalse(body.error().contains("boom"), "never a library's message");
    assertFalse(body.error().contains("IllegalStateException"), "nor its type");
  }
}
