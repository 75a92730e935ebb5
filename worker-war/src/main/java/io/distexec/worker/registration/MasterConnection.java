package io.distexec.worker.registration;

import io.distexec.proto.v1.DeregisterRequest;
import io.distexec.proto.v1.HeartbeatRequest;
import io.distexec.proto.v1.HeartbeatResponse;
import io.distexec.proto.v1.RegisterRequest;
import io.distexec.proto.v1.RegisterResponse;
import io.distexec.proto.v1.RegistrationServiceGrpc;
import io.distexec.worker.config.WorkerConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker's membership with the master: registers (retrying with backoff until the master
 * answers), heartbeats at the interval the master asks for, registers again when the master has
 * forgotten it, and deregisters on shutdown.
 */
public final class MasterConnection {

  private static final Logger LOG = Logger.getLogger(MasterConnection.class.getName());
  static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

  private final WorkerConfig config;
  private final Set<String> executors;
  private final IntSupplier activeTasks;
  private final Supplier<List<String>> taskIds;
  private final BooleanSupplier draining;
  private final Runnable onDrainRequested;
  private final ManagedChannel channel;
  private final RegistrationServiceGrpc.RegistrationServiceBlockingStub stub;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10));

  private volatile boolean registered;
  private volatile boolean stopped;
  private volatile Duration heartbeatInterval;
  private ScheduledFuture<?> next;

  /**
   * @param taskIds tasks running here or ended recently, reported at each registration so that a
   *     master that restarted can reconcile its jobs
   * @param onDrainRequested called (once) when the master asks this worker to drain
   */
  public MasterConnection(
      WorkerConfig config,
      Set<String> executors,
      IntSupplier activeTasks,
      Supplier<List<String>> taskIds,
      BooleanSupplier draining,
      Runnable onDrainRequested,
      ManagedChannel channel,
      ScheduledExecutorService scheduler) {
    this.config = config;
    this.executors = Set.copyOf(executors);
    this.activeTasks = activeTasks;
    this.taskIds = taskIds;
    this.draining = draining;
    this.onDrainRequested = onDrainRequested;
    this.channel = channel;
    this.stub = RegistrationServiceGrpc.newBlockingStub(channel);
    this.scheduler = scheduler;
    this.heartbeatInterval = config.heartbeatInterval();
  }

  /** Starts registering in the background; returns at once. */
  public synchronized void start() {
    next = scheduler.schedule(this::register, 0, TimeUnit.MILLISECONDS);
  }

  public boolean registered() {
    return registered;
  }

  private void register() {
    if (stopped) {
      return;
    }
    try {
      reconnectNow();
      RegisterResponse response =
          stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
              .register(
                  RegisterRequest.newBuilder()
                      .setWorkerId(config.workerId())
                      .setAddress(config.advertisedAddress())
                      .setMaxConcurrentTasks(config.maxConcurrentTasks())
                      .addAllExecutors(executors)
                      .setHttpUrl(config.httpUrl())
                      .addAllTaskIds(taskIds.get())
                      .build());
      if (response.getHeartbeatIntervalSeconds() > 0) {
        heartbeatInterval = Duration.ofSeconds(response.getHeartbeatIntervalSeconds());
      }
      registered = true;
      int tries = backoff.attempts() + 1;
      backoff.reset();
      LOG.info(
          () ->
              "registered with master "
                  + config.masterAddress()
                  + " as "
                  + config.workerId()
                  + " ("
                  + config.advertisedAddress()
                  + ") after "
                  + tries
                  + " attempt(s); heartbeat every "
                  + heartbeatInterval.toSeconds()
                  + " s");
      scheduleNext(this::heartbeat, heartbeatInterval);
    } catch (StatusRuntimeException e) {
      Duration wait = backoff.next();
      Level level =
          backoff.attempts() == 1 || backoff.attempts() % 10 == 0 ? Level.INFO : Level.FINE;
      LOG.log(
          level,
          () ->
              "master "
                  + config.masterAddress()
                  + " did not accept registration ("
                  + describe(e.getStatus())
                  + "); retrying in "
                  + wait.toMillis()
                  + " ms");
      if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        LOG.severe("the master refused this worker's settings: " + e.getStatus().getDescription());
      }
      scheduleNext(this::register, wait);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "registration failed unexpectedly; retrying", e);
      scheduleNext(this::register, backoff.next());
    }
  }

  private void heartbeat() {
    if (stopped) {
      return;
    }
    try {
      reconnectNow();
      sendHeartbeat();
      scheduleNext(this::heartbeat, heartbeatInterval);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        // The master restarted or declared us dead: join again.
        registered = false;
        LOG.warning(() -> "master does not know this worker any more; registering again");
        scheduleNext(this::register, Duration.ZERO);
      } else {
        LOG.warning(
            () -> "heartbeat to " + config.masterAddress() + " failed: " + describe(e.getStatus()));
        scheduleNext(this::heartbeat, heartbeatInterval);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "heartbeat failed unexpectedly", e);
      scheduleNext(this::heartbeat, heartbeatInterval);
    }
  }

  private void sendHeartbeat() {
    HeartbeatResponse response =
        stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .heartbeat(
                HeartbeatRequest.newBuilder()
                    .setWorkerId(config.workerId())
                    .setActiveTasks(activeTasks.getAsInt())
                    .setDraining(draining.getAsBoolean())
                    .build());
    if (response.getDrain() && !draining.getAsBoolean()) {
      LOG.info("the master asks this worker to drain");
      onDrainRequested.run();
    }
  }

  /**
   * Our own schedule paces the retries, so the channel need not: after a few failed connects
   * grpc-java waits seconds (growing to two minutes) before it dials again and fails calls at once
   * meanwhile. A master back from a restart then heard from its workers only after that wait, too
   * late for the restart's reconciliation window, and their running jobs were taken for lost.
   */
  private void reconnectNow() {
    channel.resetConnectBackoff(); // does nothing unless the channel is waiting to reconnect
  }

  /** Tells the master at once (not at the next interval) that this worker is draining. */
  public void announceDraining() {
    if (!registered) {
      return;
    }
    try {
      sendHeartbeat();
    } catch (StatusRuntimeException e) {
      LOG.warning(
          () -> "could not tell the master that this worker drains: " + describe(e.getStatus()));
    }
  }

  /** Stops heartbeats and leaves the master's registry. */
  public void deregister(String reason) {
    synchronized (this) {
      stopped = true;
      if (next != null) {
        next.cancel(false);
      }
    }
    if (!registered) {
      return;
    }
    try {
      stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .deregister(
              DeregisterRequest.newBuilder()
                  .setWorkerId(config.workerId())
                  .setReason(reason)
                  .build());
      registered = false;
      LOG.info(() -> "deregistered from master: " + reason);
    } catch (StatusRuntimeException e) {
      LOG.warning(
          () ->
              "could not deregister ("
                  + describe(e.getStatus())
                  + "); the master will drop this worker when its heartbeats stop");
    }
  }

  private synchronized void scheduleNext(Runnable step, Duration delay) {
    if (!stopped) {
      next = scheduler.schedule(step, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static String describe(Status status) {
    return status.getCode()
        + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }
}
