package io.distexec.worker.health;

import io.distexec.worker.config.WorkerConfig;
import io.distexec.worker.execution.TaskRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/** The worker's gauges at /metrics: tasks running and slots. */
@ApplicationScoped
public class WorkerMetrics {

  private final MetricRegistry registry;
  private final TaskRunner runner;
  private final WorkerConfig config;

  @Inject
  WorkerMetrics(
      @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry,
      TaskRunner runner,
      WorkerConfig config) {
    this.registry = registry;
    this.runner = runner;
    this.config = config;
  }

  protected WorkerMetrics() {
    this(null, null, null);
  }

  void register(@Observes Startup startup) {
    registry.gauge(
        Metadata.builder()
            .withName("distexec_tasks_active")
            .withDescription("Tasks running now")
            .build(),
        () -> runner.active());
    registry.gauge(
        Metadata.builder()
            .withName("distexec_tasks_slots")
            .withDescription("MAX_CONCURRENT_TASKS")
            .build(),
        () -> config.maxConcurrentTasks());
    registry.gauge(
        Metadata.builder()
            .withName("distexec_worker_draining")
            .withDescription("1 while draining")
            .build(),
        () -> runner.draining() ? 1 : 0);
  }
}
