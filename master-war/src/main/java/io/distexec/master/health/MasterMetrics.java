package io.distexec.master.health;

import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.registry.WorkerNode;
import io.distexec.master.scaling.Scaler;
import io.distexec.master.scheduling.JobQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/** The master's gauges at /metrics: queue, unfinished jobs, workers and tasks in flight. */
@ApplicationScoped
public class MasterMetrics {

  private final MetricRegistry registry;
  private final JobQueue queue;
  private final JobStore store;
  private final NodeRegistry workers;
  private final Dispatcher dispatcher;
  private final Optional<Scaler> scaler;

  @Inject
  MasterMetrics(
      @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry,
      JobQueue queue,
      JobStore store,
      NodeRegistry workers,
      Dispatcher dispatcher,
      Optional<Scaler> scaler) {
    this.registry = registry;
    this.queue = queue;
    this.store = store;
    this.workers = workers;
    this.dispatcher = dispatcher;
    this.scaler = scaler;
  }

  protected MasterMetrics() {
    this(null, null, null, null, null, Optional.empty());
  }

  void register(@Observes Startup startup) {
    gauge("distexec_jobs_queued", "Jobs waiting for a worker", () -> queue.waiting());
    gauge(
        "distexec_jobs_unfinished",
        "Jobs queued or running (bounded by MAX_CONCURRENT_JOBS)",
        () ->
            queue.unfinished()); // in memory: a COUNT over the store would cost a query per scrape
    gauge("distexec_jobs_capacity", "MAX_CONCURRENT_JOBS", () -> queue.capacity());
    gauge("distexec_workers", "Registered workers", () -> workers.snapshot().size());
    gauge(
        "distexec_workers_draining",
        "Workers taking no new work",
        () -> workers.snapshot().stream().filter(WorkerNode::takesNoWork).count());
    gauge(
        "distexec_tasks_in_flight",
        "Tasks sent to workers that have not ended",
        () -> dispatcher.inFlight().values().stream().mapToInt(Integer::intValue).sum());
    scaler.ifPresent(
        s -> {
          gauge(
              "distexec_scaler_desired_workers",
              "The worker replicas the autoscaler wants now",
              s::desired);
          for (String kind : List.of("ScaleOut", "Drain", "ScaleIn", "CallOff")) {
            registry.gauge(
                Metadata.builder()
                    .withName("distexec_scaler_decisions")
                    .withDescription(
                        "The autoscaler's decisions since this master started, by kind")
                    .build(),
                () -> s.status().decisions().getOrDefault(kind, 0L),
                new Tag("kind", kind));
          }
        });
  }

  private void gauge(String name, String description, Supplier<Number> value) {
    registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), value);
  }
}
