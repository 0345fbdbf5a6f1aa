package io.creditscorer.api.grpc;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.creditscorer.repository.ModelRepository;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Ties the standard gRPC health service ({@code grpc.health.v1.Health}) to model readiness: the
 * server ("") and both services report SERVING only once the repository has loaded and warmed up
 * its models.
 */
@ApplicationScoped
public class GrpcReadiness {

  static final String[] SERVICES = {
    GrpcHealthStorage.DEFAULT_SERVICE_NAME,
    "inference.GRPCInferenceService",
    "creditscorer.v1.CreditScoring"
  };

  /** Runs after the models are loaded (default-priority observers run first). */
  void onStart(
      @Observes @Priority(5000) StartupEvent event,
      ModelRepository repository,
      GrpcHealthStorage health) {
    ServingStatus status = repository.isReady() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    for (String service : SERVICES) {
      health.setStatus(service, status);
    }
  }
}
