package io.creditscorer.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.control.ApiKeys;
import io.creditscorer.error.ScoringException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a model-control call without the right key before its body is read: the key is checked on
 * the request's headers, ahead of the resource (which checks it again). Reading the index and
 * routing needs a viewer key; loading, unloading and routing changes an admin key.
 */
@ApplicationScoped
public class ControlKeyCheck {

  static final String PREFIX = "/v2/repository";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ApiKeys keys;

  public ControlKeyCheck(ApiKeys keys) {
    this.keys = keys;
  }

  void install(@Observes Router router) {
    router.route(PREFIX + "/*").order(-90).handler(this::check);
  }

  void check(RoutingContext rc) {
    boolean reads =
        rc.request().method() == HttpMethod.GET
            || rc.normalizedPath().startsWith(PREFIX + "/index");
    try {
      keys.require(
          rc.request().getHeader(HttpHeaders.AUTHORIZATION),
          reads ? ApiKeys.Role.VIEWER : ApiKeys.Role.ADMIN);
    } catch (ScoringException refused) {
      rc.response()
          .setStatusCode(RestErrors.status(refused.kind()))
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      if (refused.kind() == ScoringException.Kind.UNAUTHENTICATED) {
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"model-control\"");
      }
      rc.response().end(body(refused.getMessage()));
      return;
    }
    rc.next();
  }

  private static String body(String message) {
    try {
      return JSON.writeValueAsString(new RestErrors.ErrorJson(message, null));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
