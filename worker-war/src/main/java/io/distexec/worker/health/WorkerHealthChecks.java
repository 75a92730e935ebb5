package io.distexec.worker.health;

import io.distexec.executor.Executor;
import io.distexec.executor.ExecutorRegistry;
import io.distexec.worker.WorkerLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/** The worker's three probes, one class each. */
public final class WorkerHealthChecks {

  private WorkerHealthChecks() {}

  /** Started once the gRPC endpoint serves and registration is under way. */
  @Startup
  @ApplicationScoped
  public static class Started implements HealthCheck {
    private final WorkerLifecycle lifecycle;

    @Inject
    Started(WorkerLifecycle lifecycle) {
      this.lifecycle = lifecycle;
    }

    protected Started() {
      this(null);
    }

    @Override
    public HealthCheckResponse call() {
      return HealthCheckResponse.named("worker-started").status(lifecycle.started()).build();
    }
  }

  /** Live while the gRPC endpoint serves and every executor is healthy. */
  @Liveness
  @ApplicationScoped
  public static class Live implements HealthCheck {
    private final WorkerLifecycle lifecycle;
    private final ExecutorRegistry executors;

    @Inject
    Live(WorkerLifecycle lifecycle, ExecutorRegistry executors) {
      this.lifecycle = lifecycle;
      this.executors = executors;
    }

    protected Live() {
      this(null, null);
    }

    @Override
    public HealthCheckResponse call() {
      var response =
          HealthCheckResponse.named("worker-live").withData("grpc", lifecycle.grpcServing());
      boolean up = lifecycle.grpcServing();
      for (String name : executors.names()) {
        Executor.Health health =
            executors.find(name).map(Executor::healthCheck).orElse(Executor.Health.down("missing"));
        response.withData("executor." + name, health.healthy() ? "UP" : "DOWN: " + health.detail());
        up &= health.healthy();
      }
      return response.status(up).build();
    }
  }

  /** Ready when registered with the master and not draining: then it can take tasks. */
  @Readiness
  @ApplicationScoped
  public static class Ready implements HealthCheck {
    private final WorkerLifecycle lifecycle;

    @Inject
    Ready(WorkerLifecycle lifecycle) {
      this.lifecycle = lifecycle;
    }

    protected Ready() {
      this(null);
    }

    @Override
    public HealthCheckResponse call() {
      boolean registered = lifecycle.registered();
      boolean draining = lifecycle.draining();
      return HealthCheckResponse.named("worker-ready")
          .status(registered && !draining)
          .withData("registeredWithMaster", registered)
          .withData("draining", draining)
          .build();
    }
  }
}
