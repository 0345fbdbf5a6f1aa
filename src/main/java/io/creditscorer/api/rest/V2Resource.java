package io.creditscorer.api.rest;

import io.creditscorer.api.InferenceStatistics;
import io.creditscorer.api.ServerInfo;
import io.creditscorer.error.ScoringException;
import io.creditscorer.repository.ModelConfigurations;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.scoring.ScoringEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The Open Inference Protocol (KServe V2) REST door. */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Open Inference Protocol")
public class V2Resource {

  private final ScoringEngine engine;
  private final ModelRepository repository;
  private final ModelConfigurations configurations;
  private final InferenceStatistics statistics;
  private final long maxBodyBytes;

  public V2Resource(
      ScoringEngine engine,
      ModelRepository repository,
      ModelConfigurations configurations,
      MeterRegistry registry,
      HttpSettings config) {
    this.engine = engine;
    this.statistics = new InferenceStatistics(registry);
    this.configurations = configurations;
    this.repository = repository;
    this.maxBodyBytes = config.maxBodyBytes();
  }

  /** Server metadata. */
  public record ServerMetadata(String name, String version, List<String> extensions) {}

  /** Model metadata. */
  public record ModelMetadata(
      String name,
      List<String> versions,
      String platform,
      List<V2Codec.TensorJson> inputs,
      List<V2Codec.TensorJson> outputs) {}

  @GET
  @NonBlocking
  @Operation(summary = "Server metadata")
  public ServerMetadata server() {
    return new ServerMetadata(ServerInfo.NAME, ServerInfo.VERSION, ServerInfo.EXTENSIONS);
  }

  @GET
  @Path("/health/live")
  @NonBlocking
  @Operation(summary = "200 while the process is live")
  public Response live() {
    return Response.ok().build();
  }

  @GET
  @Path("/health/ready")
  @NonBlocking
  @Operation(summary = "200 once every model is loaded and warmed up")
  public Response ready() {
    if (!repository.isReady()) {
      throw ScoringException.notReady("models are not ready: " + repository.status());
    }
    return Response.ok().build();
  }

  @GET
  @Path("/models/{model}")
  @NonBlocking
  @Operation(summary = "Metadata of the model's default version")
  public ModelMetadata model(@PathParam("model") String model) {
    return metadata(repository.resolve(model, null));
  }

  @GET
  @Path("/models/{model}/versions/{version}")
  @NonBlocking
  @Operation(summary = "Metadata of one version")
  public ModelMetadata modelVersion(
      @PathParam("model") String model, @PathParam("version") String version) {
    return metadata(repository.resolve(model, version));
  }

  @GET
  @Path("/models/{model}/ready")
  @NonBlocking
  @Operation(summary = "200 when the model's default version is ready")
  public Response modelReady(@PathParam("model") String model) {
    repository.resolve(model, null);
    return Response.ok().build();
  }

  @GET
  @Path("/models/{model}/versions/{version}/ready")
  @NonBlocking
  @Operation(summary = "200 when that version is ready")
  public Response versionReady(
      @PathParam("model") String model, @PathParam("version") String version) {
    repository.resolve(model, version);
    return Response.ok().build();
  }

  @GET
  @Path("/models/{model}/config")
  @NonBlocking
  @Operation(summary = "Configuration of the model's default version (Triton's ModelConfig)")
  public Map<String, Object> config(@PathParam("model") String model) {
    return ModelConfigJson.json(configurations.config(model, null));
  }

  @GET
  @Path("/models/{model}/versions/{version}/config")
  @NonBlocking
  @Operation(summary = "Configuration of one version (Triton's ModelConfig)")
  public Map<String, Object> versionConfig(
      @PathParam("model") String model, @PathParam("version") String version) {
    return ModelConfigJson.json(configurations.config(model, version));
  }

  @GET
  @Path("/models/stats")
  @NonBlocking
  @Operation(summary = "Statistics of every version of every model (Triton's extension)")
  public Map<String, Object> stats() {
    List<InferenceStatistics.Version> all = new ArrayList<>();
    repository
        .models()
        .values()
        .forEach(m -> m.versions().keySet().forEach(v -> all.add(statistics.of(m.name(), v))));
    return StatisticsJson.json(all);
  }

  @GET
  @Path("/models/{model}/stats")
  @NonBlocking
  @Operation(summary = "Statistics of every version of a model (Triton's extension)")
  public Map<String, Object> modelStats(@PathParam("model") String model) {
    ModelRepository.Model m =
        repository
            .model(model)
            .orElseThrow(() -> ScoringException.notFound("unknown model " + model));
    return StatisticsJson.json(
        m.versions().keySet().stream().map(v -> statistics.of(m.name(), v)).toList());
  }

  @GET
  @Path("/models/{model}/versions/{version}/stats")
  @NonBlocking
  @Operation(summary = "Statistics of one version (Triton's extension)")
  public Map<String, Object> versionStats(
      @PathParam("model") String model, @PathParam("version") String version) {
    ModelVersion v = repository.resolve(model, version);
    return StatisticsJson.json(List.of(statistics.of(v.name(), v.version())));
  }

  @POST
  @Path("/models/{model}/infer")
  @Operation(summary = "Inference on the model's default version")
  public CompletionStage<Response> infer(
      @PathParam("model") String model,
      @HeaderParam(Timeouts.HEADER) String timeout,
      @HeaderParam(BinaryTensorData.HEADER) String headerLength,
      @RequestBody(name = "inference request") byte[] body) {
    return infer(model, null, timeout, headerLength, body);
  }

  @POST
  @Path("/models/{model}/versions/{version}/infer")
  @Operation(summary = "Inference on one version")
  public CompletionStage<Response> inferVersion(
      @PathParam("model") String model,
      @PathParam("version") String version,
      @HeaderParam(Timeouts.HEADER) String timeout,
      @HeaderParam(BinaryTensorData.HEADER) String headerLength,
      @RequestBody(name = "inference request") byte[] body) {
    return infer(model, version, timeout, headerLength, body);
  }

  /**
   * JSON; with {@code Inference-Header-Content-Length} a JSON header and binary tensors; with that
   * header 0, the one input's data alone.
   */
  private CompletionStage<Response> infer(
      String model, String version, String timeout, String headerLength, byte[] body) {
    Integer jsonBytes = BinaryTensorData.headerLength(headerLength, body.length);
    V2Codec.V2Request request =
        jsonBytes != null && jsonBytes == 0
            ? BinaryTensorData.raw(
                model,
                version,
                repository.resolve(model, version).inputs(),
                body,
                Timeouts.parse(timeout))
            : V2Codec.decode(
                model,
                version,
                JsonBodies.parseObject(
                    body, jsonBytes == null ? body.length : jsonBytes, maxBodyBytes),
                Timeouts.parse(timeout),
                jsonBytes == null ? null : new BinaryTensorData.Parts(body, jsonBytes));
    return engine.infer(request.request()).thenApply(result -> V2Codec.encode(result, request));
  }

  private ModelMetadata metadata(ModelVersion v) {
    List<String> versions =
        List.copyOf(repository.model(v.name()).orElseThrow().versions().keySet());
    return new ModelMetadata(
        v.name(),
        versions,
        ModelVersion.PLATFORM,
        v.inputs().stream().map(V2Codec.TensorJson::of).toList(),
        v.outputs().stream().map(V2Codec.TensorJson::of).toList());
  }
}
