package io.creditscorer.api.grpc;

import io.creditscorer.api.InferenceStatistics;
import io.creditscorer.api.ServerInfo;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.ModelConfigRequest;
import io.creditscorer.api.grpc.v2.ModelConfigResponse;
import io.creditscorer.api.grpc.v2.ModelInferRequest;
import io.creditscorer.api.grpc.v2.ModelInferResponse;
import io.creditscorer.api.grpc.v2.ModelMetadataRequest;
import io.creditscorer.api.grpc.v2.ModelMetadataResponse;
import io.creditscorer.api.grpc.v2.ModelReadyRequest;
import io.creditscorer.api.grpc.v2.ModelReadyResponse;
import io.creditscorer.api.grpc.v2.ModelStatisticsRequest;
import io.creditscorer.api.grpc.v2.ModelStatisticsResponse;
import io.creditscorer.api.grpc.v2.RepositoryIndexRequest;
import io.creditscorer.api.grpc.v2.RepositoryIndexResponse;
import io.creditscorer.api.grpc.v2.RepositoryModelLoadRequest;
import io.creditscorer.api.grpc.v2.RepositoryModelLoadResponse;
import io.creditscorer.api.grpc.v2.RepositoryModelUnloadRequest;
import io.creditscorer.api.grpc.v2.RepositoryModelUnloadResponse;
import io.creditscorer.api.grpc.v2.ServerLiveRequest;
import io.creditscorer.api.grpc.v2.ServerLiveResponse;
import io.creditscorer.api.grpc.v2.ServerMetadataRequest;
import io.creditscorer.api.grpc.v2.ServerMetadataResponse;
import io.creditscorer.api.grpc.v2.ServerReadyRequest;
import io.creditscorer.api.grpc.v2.ServerReadyResponse;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.TensorMeta;
import io.creditscorer.repository.ModelConfigurations;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.security.Roles;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The Open Inference Protocol gRPC door: one engine call per RPC, one error mapping. */
@GrpcService
public class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

  private final ScoringEngine engine;
  private final GrpcRoles roles;
  private final ModelRepository repository;
  private final ModelConfigurations configurations;
  private final InferenceStatistics statistics;

  public InferenceGrpcService(
      ScoringEngine engine,
      ModelRepository repository,
      ModelConfigurations configurations,
      MeterRegistry registry,
      GrpcRoles roles) {
    this.configurations = configurations;
    this.statistics = new InferenceStatistics(registry);
    this.roles = roles;
    this.engine = engine;
    this.repository = repository;
  }

  /** The caller's remaining deadline, or {@code null} for the configured default. */
  static Duration deadline() {
    Deadline d = Context.current().getDeadline();
    return d == null ? null : Duration.ofNanos(Math.max(1, d.timeRemaining(TimeUnit.NANOSECONDS)));
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    reply(out, ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    reply(out, ServerReadyResponse.newBuilder().setReady(repository.isReady()).build());
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    roles.require(Roles.SCORER, out, caller -> ready(request, out));
  }

  private void ready(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    try {
      repository.resolve(request.getName(), emptyToNull(request.getVersion()));
      reply(out, ModelReadyResponse.newBuilder().setReady(true).build());
    } catch (ScoringException e) {
      if (e.kind() == ScoringException.Kind.NOT_READY) {
        reply(out, ModelReadyResponse.newBuilder().setReady(false).build());
      } else {
        out.onError(GrpcErrors.toStatus(e));
      }
    }
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    reply(
        out,
        ServerMetadataResponse.newBuilder()
            .setName(ServerInfo.NAME)
            .setVersion(ServerInfo.VERSION)
            .addAllExtensions(ServerInfo.EXTENSIONS)
            .build());
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    roles.require(Roles.SCORER, out, caller -> metadata(request, out));
  }

  private void metadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    try {
      ModelVersion v = repository.resolve(request.getName(), emptyToNull(request.getVersion()));
      ModelMetadataResponse.Builder m =
          ModelMetadataResponse.newBuilder()
              .setName(v.name())
              .addAllVersions(repository.model(v.name()).orElseThrow().versions().keySet())
              .setPlatform(ModelVersion.PLATFORM);
      v.inputs().forEach(t -> m.addInputs(meta(t)));
      v.outputs().forEach(t -> m.addOutputs(meta(t)));
      reply(out, m.build());
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  /** Triton's model configuration extension. */
  @Override
  public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
    roles.require(
        Roles.MODEL_VIEWER,
        out,
        caller -> {
          try {
            reply(
                out,
                ModelConfigResponse.newBuilder()
                    .setConfig(
                        GrpcModelConfigs.of(
                            configurations.config(
                                request.getName(), emptyToNull(request.getVersion()))))
                    .build());
          } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
          }
        });
  }

  /** Triton's statistics extension. */
  @Override
  public void modelStatistics(
      ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
    roles.require(
        Roles.MODEL_VIEWER,
        out,
        caller -> {
          try {
            reply(out, GrpcStatistics.of(statistics, versions(request)));
          } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
          }
        });
  }

  /** The versions a statistics request names: all, a model's, or one. */
  private List<ModelVersion> versions(ModelStatisticsRequest request) {
    if (request.getName().isEmpty()) {
      List<ModelVersion> all = new ArrayList<>();
      repository.models().values().forEach(m -> all.addAll(m.versions().values()));
      return all;
    }
    if (request.getVersion().isEmpty()) {
      return List.copyOf(
          repository
              .model(request.getName())
              .orElseThrow(() -> ScoringException.notFound("unknown model " + request.getName()))
              .versions()
              .values());
    }
    return List.of(repository.resolve(request.getName(), request.getVersion()));
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    roles.require(Roles.SCORER, out, caller -> infer(request, out));
  }

  private void infer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    boolean raw = GrpcTensors.wantsRaw(request);
    try {
      engine
          .infer(GrpcTensors.decode(request, deadline()))
          .whenComplete(
              (result, error) -> {
                if (error != null) {
                  out.onError(GrpcErrors.toStatus(error));
                } else {
                  reply(out, GrpcTensors.encode(result, raw));
                }
              });
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  private static ModelMetadataResponse.TensorMetadata meta(TensorMeta t) {
    ModelMetadataResponse.TensorMetadata.Builder b =
        ModelMetadataResponse.TensorMetadata.newBuilder()
            .setName(t.name())
            .setDatatype(t.datatype().name());
    for (long d : t.shape()) {
      b.addShape(d);
    }
    return b.build();
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }

  @Override
  @Blocking
  @RolesAllowed(Roles.MODEL_VIEWER)
  public void repositoryIndex(
      RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
    control(
        out,
        () -> {
          RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
          for (ModelRepository.IndexEntry e : repository.index()) {
            if (!request.getReady() || e.state().equals("READY")) {
              b.addModels(
                  RepositoryIndexResponse.ModelIndex.newBuilder()
                      .setName(e.name())
                      .setVersion(e.version())
                      .setState(e.state())
                      .setReason(e.reason()));
            }
          }
          return b.build();
        });
  }

  @Override
  @Blocking
  @RolesAllowed(Roles.MODEL_ADMIN)
  public void repositoryModelLoad(
      RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> out) {
    control(
        out,
        () -> {
          repository.load(request.getModelName()).requireLoaded(request.getModelName());
          return RepositoryModelLoadResponse.getDefaultInstance();
        });
  }

  @Override
  @Blocking
  @RolesAllowed(Roles.MODEL_ADMIN)
  public void repositoryModelUnload(
      RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> out) {
    control(
        out,
        () -> {
          repository.unload(request.getModelName());
          return RepositoryModelUnloadResponse.getDefaultInstance();
        });
  }

  /** One model-control call (its role checked by the security stack first); one error mapping. */
  private <T> void control(StreamObserver<T> out, Supplier<T> call) {
    try {
      out.onNext(call.get());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }
}
