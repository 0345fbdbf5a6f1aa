package io.creditscorer.api.rest;

import io.creditscorer.scoring.ScoringEngine;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The credit-decision API for bank apps. */
@Path("/v1/credit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Credit decisions")
public class CreditResource {

  private final ScoringEngine engine;
  private final long maxBodyBytes;

  public CreditResource(ScoringEngine engine, HttpSettings config) {
    this.engine = engine;
    this.maxBodyBytes = config.maxBodyBytes();
  }

  @POST
  @Path("/score")
  @Operation(
      summary = "Score loan applicants",
      description =
          "Probability of default, score and decision per applicant, in request order. Fields are"
              + " the German Credit attributes with their ARFF names and categories; see docs/API.md.")
  public CompletionStage<CreditCodec.CreditResponseJson> score(
      @Parameter(description = "Explicit model version; default: the latest served")
          @QueryParam("version")
          String version,
      @Parameter(description = "Deadline in milliseconds; default scorer.inference.default-timeout")
          @HeaderParam(Timeouts.HEADER)
          String timeout,
      @Parameter(
              description =
                  "Retries with the same key and body within the window get the identical answer")
          @HeaderParam("Idempotency-Key")
          String idempotencyKey,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = CreditCodec.CreditRequestJson.class)))
          byte[] body,
      RoutingContext http) {
    return engine
        .score(
            CreditCodec.decode(
                body,
                maxBodyBytes,
                version,
                Timeouts.parse(timeout),
                idempotencyKey(idempotencyKey),
                caller(http)))
        .thenApply(CreditCodec::encode);
  }

  /**
   * The authenticated caller's name: set once a permission check has authenticated the request
   * (authentication on); {@code null} while it is off, when nothing authenticates.
   */
  static String caller(RoutingContext http) {
    return http.user() instanceof QuarkusHttpUser user
        ? user.getSecurityIdentity().getPrincipal().getName()
        : null;
  }

  private static String idempotencyKey(String key) {
    if (key == null) {
      return null;
    }
    if (key.isBlank() || key.length() > 255) {
      throw new io.creditscorer.error.InvalidInputException(
          "Idempotency-Key", "must be 1 to 255 characters");
    }
    return key;
  }
}
