package io.distexec.worker;

import io.distexec.common.ClusterTls;
import io.distexec.common.GrpcChannels;
import io.distexec.common.GrpcEndpoint;
import io.distexec.common.GrpcLimits;
import io.distexec.executor.ExecutorRegistry;
import io.distexec.worker.config.WorkerConfig;
import io.distexec.worker.config.WorkerTls;
import io.distexec.worker.execution.TaskRunner;
import io.distexec.worker.execution.WorkerGrpcService;
import io.distexec.worker.registration.MasterConnection;
import io.distexec.worker.registration.MasterRequests;
import io.grpc.ServerInterceptors;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;

/**
 * Starts the worker (gRPC endpoint, then registration with the master) and stops it gracefully:
 * take no new work, tell the master, let running tasks finish within DRAIN_GRACE_SECONDS (their
 * results still go back over their open streams), cancel what is left, deregister, stop serving.
 */
@ApplicationScoped
public class WorkerLifecycle {

  private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class.getName());

  /** Runs a drain the master asked for (it waits for running tasks). */
  @Resource ManagedScheduledExecutorService scheduler;

  /** Makes the one thread registration and heartbeats run on. */
  @Resource ManagedThreadFactory threadFactory;

  private final WorkerConfig config;
  private final TaskRunner runner;
  private final ExecutorRegistry executors;
  private final WorkerGrpcService workerService;
  private final ClusterTls tls;

  private volatile GrpcEndpoint endpoint;
  private volatile GrpcChannels channels;
  private volatile MasterConnection master;
  private volatile boolean stopping;
  private volatile ScheduledExecutorService membership;

  @Inject
  WorkerLifecycle(
      WorkerConfig config,
      TaskRunner runner,
      ExecutorRegistry executors,
      WorkerGrpcService workerService,
      WorkerTls tls) {
    this.config = config;
    this.runner = runner;
    this.executors = executors;
    this.workerService = workerService;
    this.tls = tls == null ? null : tls.tls();
  }

  /** For CDI's proxy only. */
  protected WorkerLifecycle() {
    this(null, null, null, null, null);
  }

  void onStart(@Observes Startup startup) {
    try {
      // With mutual TLS, only the master (a certificate with its role, from the cluster CA) may
      // run, cancel or attach to tasks here.
      endpoint =
          GrpcEndpoint.start(
              "worker",
              config.bind(),
              List.of(
                  tls == null
                      ? workerService
                      : () ->
                          ServerInterceptors.intercept(
                              workerService, ClusterTls.requireRole(ClusterTls.MASTER))),
              List.of(),
              GrpcLimits.forSpec(config.maxSpecBytes()),
              tls == null ? null : tls.serverCredentials());
      channels =
          tls == null
              ? new GrpcChannels("worker")
              : new GrpcChannels(
                  "worker",
                  GrpcEndpoint.DEFAULT_MAX_INBOUND_BYTES,
                  tls.channelCredentials(),
                  ClusterTls.MASTER);
    } catch (IOException e) {
      throw new UncheckedIOException(
          e.getMessage() + " (set WORKER_ADDRESS to a free host:port)", e);
    }
    // Heartbeats get a thread of their own: if they queued behind busy work in a shared pool, the
    // master would declare a worker dead for being busy.
    membership = Executors.newSingleThreadScheduledExecutor(threadFactory);
    master =
        new MasterConnection(
            config,
            executors.names(),
            runner::active,
            workerService.report(),
            runner::draining,
            new MasterRequests() {
              @Override
              public void drain() {
                scheduler.execute(WorkerLifecycle.this::drainAndLeave);
              }

              @Override
              public void hold() {
                runner.drain();
              }

              @Override
              public void release() {
                if (!stopping) {
                  runner.undrain();
                }
              }
            },
            channels::open,
            membership);
    master.start();
    warnIfThePoolIsTooSmall();
    LOG.info(
        () ->
            "worker "
                + config.workerId()
                + " started: gRPC on "
                + config.bind().host()
                + ":"
                + endpoint.port()
                + ", "
                + config.maxConcurrentTasks()
                + " slots, executors "
                + executors.names()
                + ", master "
                + config.masterAddress()
                + (tls == null ? " (plaintext, loopback only)" : " (mutual TLS)"));
  }

  private void warnIfThePoolIsTooSmall() {
    int needed = WorkerConfig.executorThreadsNeeded(config.maxConcurrentTasks());
    if (!config.executorThreadsSuffice()) {
      LOG.warning(
          () ->
              "EXECUTOR_THREADS is "
                  + config.executorThreads()
                  + ", too few for "
                  + config.maxConcurrentTasks()
                  + " slots (MAX_CONCURRENT_TASKS): set it to "
                  + needed
                  + ", or tasks and their output will wait for"
                  + " Liberty to grow its thread pool (one step every 1.5 s)");
    }
  }

  public boolean started() {
    return endpoint != null && master != null;
  }

  public boolean grpcServing() {
    GrpcEndpoint e = endpoint;
    return e != null && e.isServing();
  }

  public boolean registered() {
    MasterConnection m = master;
    return m != null && m.registered();
  }

  public boolean draining() {
    return runner.draining();
  }

  /**
   * Drains at the master's request: no new work, running tasks finish (within the grace period),
   * then the worker deregisters. The server keeps running, idle, until it is stopped.
   */
  void drainAndLeave() {
    stopping = true; // no release takes it back
    finishRunningTasks();
    master.deregister("drained");
  }

  @PreDestroy
  void stop() {
    stopping = true;
    finishRunningTasks();
    if (master != null) {
      master.deregister("shutdown");
    }
    if (membership != null) {
      membership.shutdownNow();
    }
    if (endpoint != null) {
      endpoint.close(2000);
    }
    if (master != null) {
      master.closeChannels();
    }
    if (channels != null) {
      channels.close();
    }
  }

  /**
   * Takes no new work, tells the master, and waits for running tasks (cancelling them after the
   * grace).
   */
  private synchronized void finishRunningTasks() {
    runner.drain();
    if (master != null) {
      master.announceDraining();
    }
    try {
      if (!runner.awaitIdle(config.drainGrace())) {
        LOG.warning(
            () ->
                runner.active()
                    + " task(s) still running after "
                    + config.drainGrace().toSeconds()
                    + " s (DRAIN_GRACE_SECONDS); cancelling them");
        runner.cancelAll("worker shutting down");
        runner.awaitIdle(Duration.ofSeconds(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
