package io.distexec.master.health;

import io.distexec.master.MasterLifecycle;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.scheduling.JobQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the gRPC endpoint serves and the job store answers; reports workers and queue. */
@Readiness
@ApplicationScoped
public class ReadyCheck implements HealthCheck {

  private final MasterLifecycle lifecycle;
  private final JobStore store;
  private final JobQueue queue;
  private final NodeRegistry registry;

  @Inject
  ReadyCheck(MasterLifecycle lifecycle, JobStore store, JobQueue queue, NodeRegistry registry) {
    this.lifecycle = lifecycle;
    this.store = store;
    this.queue = queue;
    this.registry = registry;
  }

  protected ReadyCheck() {
    this(null, null, null, null);
  }

  @Override
  public HealthCheckResponse call() {
    boolean grpc = lifecycle.grpcServing();
    long unfinished = queue.unfinished();
    try {
      store.check();
    } catch (RuntimeException e) {
      return HealthCheckResponse.named("master-ready")
          .down()
          .withData("store", e.getMessage())
          .build();
    }
    return HealthCheckResponse.named("master-ready")
        .status(grpc)
        .withData("grpc", grpc)
        .withData("role", lifecycle.leading() ? "leader" : "standby")
        .withData("workers", registry.snapshot().size())
        .withData("queued", queue.waiting())
        .withData("unfinishedJobs", unfinished)
        .build();
  }
}
