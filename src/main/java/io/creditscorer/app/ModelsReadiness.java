package io.creditscorer.app;

import io.creditscorer.repository.ModelRepository;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the repository has loaded and warmed up its models; lists each version's state. */
@Readiness
@ApplicationScoped
public class ModelsReadiness implements HealthCheck {

  private final ModelRepository repository;

  public ModelsReadiness(ModelRepository repository) {
    this.repository = repository;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("models").status(repository.isReady());
    repository.status().forEach(response::withData);
    return response.build();
  }
}
