package io.creditscorer.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.ScoringException;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.routing.Router;
import io.creditscorer.routing.RoutingPolicy;
import io.creditscorer.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The Open Inference Protocol repository extension (as Triton and MLServer serve it): list, load
 * and unload models. Needs a model role: a token, or a control key (see {@code
 * security.ApiKeyIdentityProvider}); loading and unloading run on a worker thread, never on the
 * event loop.
 */
@Path("/v2/repository")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Model control")
public class RepositoryResource {

  private final ModelRepository repository;
  private final Router router;

  public RepositoryResource(ModelRepository repository, Router router) {
    this.repository = repository;
    this.router = router;
  }

  /** A model's routing policy; absent versions mean "the latest" (stable) or "none". */
  public record RoutingJson(
      String stable,
      String canary,
      @JsonProperty("canary_percent") Integer canaryPercent,
      String shadow,
      @JsonProperty("shadow_percent") Integer shadowPercent,
      String fallback) {
    static RoutingJson of(RoutingPolicy p) {
      return new RoutingJson(
          p.stable(), p.canary(), p.canaryPercent(), p.shadow(), p.shadowPercent(), p.fallback());
    }
  }

  @GET
  @RolesAllowed(Roles.MODEL_VIEWER)
  @Path("/models/{model}/routing")
  @Operation(summary = "The model's routing: stable, canary share, shadow share")
  public RoutingJson routing(@PathParam("model") String model) {
    repository.modelDirectory(model);
    return RoutingJson.of(router.policy(model));
  }

  @PUT
  @RolesAllowed(Roles.MODEL_ADMIN)
  @Path("/models/{model}/routing")
  @Operation(
      summary = "Replace the model's routing",
      description =
          "Takes effect for the next request. Every version named must be served. Canary"
              + " assignment is sticky by applicant_id; the shadow is scored in the background and"
              + " only compared (scorer_shadow_* metrics).")
  public RoutingJson setRouting(
      @PathParam("model") String model,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = RoutingJson.class)))
          byte[] body) {
    repository.modelDirectory(model);
    JsonNode root = JsonBodies.parseObject(body, 64 * 1024);
    List<FieldError> errors = new ArrayList<>();
    JsonBodies.rejectUnknown(
        root,
        Set.of("stable", "canary", "canary_percent", "shadow", "shadow_percent", "fallback"),
        "",
        errors);
    String stable =
        served(model, JsonBodies.optionalString(root, "stable", "", errors), "stable", errors);
    String canary =
        served(model, JsonBodies.optionalString(root, "canary", "", errors), "canary", errors);
    String shadow =
        served(model, JsonBodies.optionalString(root, "shadow", "", errors), "shadow", errors);
    String fallback =
        served(model, JsonBodies.optionalString(root, "fallback", "", errors), "fallback", errors);
    int canaryPercent = percent(root, "canary_percent", errors);
    int shadowPercent = percent(root, "shadow_percent", errors);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    RoutingPolicy policy;
    try {
      policy = new RoutingPolicy(stable, canary, canaryPercent, shadow, shadowPercent, fallback);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("routing", e.getMessage());
    }
    router.set(model, policy);
    return RoutingJson.of(policy);
  }

  private String served(String model, String version, String field, List<FieldError> errors) {
    if (version != null) {
      try {
        repository.resolve(model, version);
      } catch (ScoringException e) {
        errors.add(new FieldError(field, e.getMessage()));
      }
    }
    return version;
  }

  private static int percent(JsonNode root, String field, List<FieldError> errors) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return 0;
    }
    if (!n.isInt() || n.asInt() < 0 || n.asInt() > 100) {
      errors.add(new FieldError(field, "must be a whole number from 0 to 100"));
      return 0;
    }
    return n.asInt();
  }

  /** What a load or unload changed. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ChangesJson(
      String model, List<String> loaded, List<String> retired, Map<String, String> failed) {
    static ChangesJson of(String model, ModelRepository.Changes c) {
      return new ChangesJson(model, c.loaded(), c.retired(), c.failed());
    }
  }

  @POST
  @RolesAllowed(Roles.MODEL_VIEWER)
  @Path("/index")
  @Operation(summary = "Every model and version with its state (READY, UNAVAILABLE, UNLOADED)")
  public List<ModelRepository.IndexEntry> index() {
    return repository.index();
  }

  @POST
  @RolesAllowed(Roles.MODEL_ADMIN)
  @Path("/models/{model}/load")
  @Operation(
      summary = "Load or reload a model from the repository directory",
      description =
          "New and changed versions are validated and warmed up, then served; a version whose files"
              + " fail keeps serving its previous files and the failure is answered 422.")
  public ChangesJson load(@PathParam("model") String model) {
    return ChangesJson.of(model, repository.load(model).requireLoaded(model));
  }

  @POST
  @RolesAllowed(Roles.MODEL_ADMIN)
  @Path("/models/{model}/unload")
  @Operation(summary = "Stop serving a model; requests in flight finish first")
  public ChangesJson unload(@PathParam("model") String model) {
    return ChangesJson.of(model, repository.unload(model));
  }
}
