package io.distexec.worker.registration;

import io.distexec.common.LeaderTrailer;
import io.distexec.proto.v1.DeregisterRequest;
import io.distexec.proto.v1.HeartbeatRequest;
import io.distexec.proto.v1.HeartbeatResponse;
import io.distexec.proto.v1.RegisterRequest;
import io.distexec.proto.v1.RegisterResponse;
import io.distexec.proto.v1.RegistrationServiceGrpc;
import io.distexec.worker.config.WorkerConfig;
import io.distexec.worker.execution.TaskReport;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker's membership with the leading master: registers (retrying with backoff until a master
 * answers), heartbeats at the interval the master asks for, registers again when the master has
 * forgotten it or stops answering, and deregisters on shutdown. With several masters it goes where
 * a standby says the leader is, and tries the next address of MASTER_ADDRESS when one does not
 * answer.
 */
public final class MasterConnection {

  private static final Logger LOG = Logger.getLogger(MasterConnection.class.getName());
  static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

  /**
   * How long a registration may wait for its master's connection to be ready. It waits (rather than
   * failing at once) because a channel kept from before may still be backing off from a master that
   * was down: a master that is up again is then reached. A master this worker saw fail in the last
   * {@link #FAILED_RECENTLY} is not waited for: a dead one costs nothing.
   */
  static final Duration REGISTER_DEADLINE = Duration.ofSeconds(1);

  /**
   * How long a master this worker saw fail is tried without waiting for its connection: a standby
   * names the old leader until its lease runs out, and a dead one should cost nothing.
   */
  static final Duration FAILED_RECENTLY = Duration.ofSeconds(10);

  /** How soon the masters are asked again while the leader that failed is still named. */
  static final Duration FAILOVER_RETRY = Duration.ofMillis(250);

  /**
   * How long masters may answer with an older term than this worker knows before it believes them.
   * A deposed leader steps down within a second of waking; answers that old for this long mean the
   * masters' store was replaced (restored from a backup, or new), and their terms began again.
   */
  static final Duration TERM_RESET_PATIENCE = Duration.ofSeconds(30);

  private final WorkerConfig config;
  private final Set<String> executors;
  private final IntSupplier activeTasks;
  private final TaskReport tasks;
  private final BooleanSupplier draining;
  private final MasterRequests requests;
  private final Function<String, ManagedChannel> channels;
  private final Map<String, ManagedChannel> open = new ConcurrentHashMap<>();
  private final List<String> addresses;
  private int next;
  private volatile String address;
  private volatile ManagedChannel channel;
  private volatile String failed;
  private volatile long failedAtNanos;
  private volatile long standbyAnsweredAtNanos = System.nanoTime() - FAILED_RECENTLY.toNanos();
  private volatile RegistrationServiceGrpc.RegistrationServiceBlockingStub stub;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;

  private final Duration termResetPatience;
  private long olderTermSinceNanos;
  private boolean olderTermSeen;
  private volatile boolean registered;
  private volatile boolean leaving;
  private volatile boolean held;
  private volatile boolean stopped;
  private volatile Duration heartbeatInterval;
  private ScheduledFuture<?> scheduled;

  /**
   * @param tasks tasks running here or ended recently, reported at each registration so that a
   *     master that restarted (or took over) can reconcile its jobs
   * @param requests what the master asks in heartbeat answers: drain, hold, release
   */
  public MasterConnection(
      WorkerConfig config,
      Set<String> executors,
      IntSupplier activeTasks,
      TaskReport tasks,
      BooleanSupplier draining,
      MasterRequests requests,
      Function<String, ManagedChannel> channels,
      ScheduledExecutorService scheduler) {
    this(
        config,
        executors,
        activeTasks,
        tasks,
        draining,
        requests,
        channels,
        scheduler,
        TERM_RESET_PATIENCE);
  }

  MasterConnection(
      WorkerConfig config,
      Set<String> executors,
      IntSupplier activeTasks,
      TaskReport tasks,
      BooleanSupplier draining,
      MasterRequests requests,
      Function<String, ManagedChannel> channels,
      ScheduledExecutorService scheduler,
      Duration termResetPatience) {
    this.termResetPatience = termResetPatience;
    this.config = config;
    this.executors = Set.copyOf(executors);
    this.activeTasks = activeTasks;
    this.tasks = tasks;
    this.draining = draining;
    this.requests = requests;
    this.channels = channels;
    this.addresses = config.masterAddresses();
    // Among several masters a takeover lasts seconds: look again often.
    this.backoff =
        new Backoff(Duration.ofMillis(250), Duration.ofSeconds(addresses.size() > 1 ? 2 : 10));
    this.scheduler = scheduler;
    dial(addresses.get(0));
    this.heartbeatInterval = config.heartbeatInterval();
  }

  /** Starts registering in the background; returns at once. */
  public synchronized void start() {
    scheduled = scheduler.schedule(this::register, 0, TimeUnit.MILLISECONDS);
  }

  /** Talks to the master at {@code to} from now on (channels are kept for going back). */
  private void dial(String to) {
    address = to;
    channel = open.computeIfAbsent(to, channels);
    stub = RegistrationServiceGrpc.newBlockingStub(channel);
  }

  /** The next address of MASTER_ADDRESS, round and round. */
  private synchronized void dialNextAddress() {
    if (addresses.size() > 1) {
      next = (next + 1) % addresses.size();
      dial(addresses.get(next));
    }
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
      RegistrationServiceGrpc.RegistrationServiceBlockingStub call =
          failedRecently(address) ? stub : stub.withWaitForReady();
      RegisterResponse response;
      try {
        response =
            call.withDeadlineAfter(REGISTER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .register(
                    RegisterRequest.newBuilder()
                        .setWorkerId(config.workerId())
                        .setAddress(config.advertisedAddress())
                        .setMaxConcurrentTasks(config.maxConcurrentTasks())
                        .addAllExecutors(executors)
                        .setHttpUrl(config.httpUrl())
                        .addAllTaskIds(tasks.taskIds())
                        .build());
      } catch (RuntimeException e) {
        tasks.unreported();
        throw e;
      }
      if (!tasks.registered(response.getTerm()) && !believeOlderTerm(response.getTerm())) {
        // It woke from a pause still thinking it leads; it steps down at its next turn.
        LOG.info(
            () ->
                "master "
                    + address
                    + " answered with term "
                    + response.getTerm()
                    + ", older than this worker knows; looking for the leader");
        failed(address);
        dialNextAddress();
        scheduleNext(this::register, backoff.next());
        return;
      }
      olderTermSeen = false;
      if (response.getHeartbeatIntervalSeconds() > 0) {
        heartbeatInterval = Duration.ofSeconds(response.getHeartbeatIntervalSeconds());
      }
      registered = true;
      int tries = backoff.attempts() + 1;
      backoff.reset();
      LOG.info(
          () ->
              "registered with master "
                  + address
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
      String leader = e.getTrailers() == null ? null : e.getTrailers().get(LeaderTrailer.KEY);
      if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION && leader != null) {
        standbyAnsweredAtNanos = System.nanoTime();
        boolean moved = !leader.equals(address);
        LOG.info(() -> "master " + address + " stands by; going to the leader at " + leader);
        dial(leader);
        // Straight there, unless the leader it names is where we were (a stale answer).
        scheduleNext(this::register, moved ? Duration.ZERO : backoff.next());
        return;
      }
      // A master that failed a moment ago, named again by a standby whose lease has not run out
      // yet: ask the others again shortly, not after a growing backoff, to be there at the
      // takeover.
      boolean failover =
          failedRecently(address)
              && System.nanoTime() - standbyAnsweredAtNanos < FAILED_RECENTLY.toNanos();
      if (leader == null && e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
        failed(address);
        dialNextAddress(); // this one does not answer (or not yet): try another master
      }
      Duration wait = failover ? FAILOVER_RETRY : backoff.next();
      Level level =
          backoff.attempts() == 1 || backoff.attempts() % 10 == 0 ? Level.INFO : Level.FINE;
      LOG.log(
          level,
          () ->
              "master "
                  + address
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

  /** True once masters have answered with older terms for longer than the patience allows. */
  private boolean believeOlderTerm(long term) {
    long now = System.nanoTime();
    if (!olderTermSeen) {
      olderTermSeen = true;
      olderTermSinceNanos = now;
    }
    if (now - olderTermSinceNanos < termResetPatience.toNanos()) {
      return false;
    }
    LOG.warning(
        () ->
            "the masters have answered with older terms than this worker knows for "
                + termResetPatience.toSeconds()
                + " s: their store must be new; following term "
                + term
                + " from now on");
    tasks.termReset(term);
    return true;
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
      } else if (addresses.size() > 1 || !addresses.contains(address)) {
        // A leader that is dead, paused or deposed: register anew, which finds the new leader
        // through the addresses given and a standby's answer.
        registered = false;
        failed(address);
        LOG.warning(
            () ->
                "heartbeat to "
                    + address
                    + " failed ("
                    + describe(e.getStatus())
                    + "); looking for the leader");
        if (addresses.contains(address)) {
          dialNextAddress();
        } else {
          dial(addresses.get(next));
        }
        scheduleNext(this::register, Duration.ZERO);
      } else {
        // The one master: keep heartbeating until it answers again (it says if it forgot us).
        LOG.warning(() -> "heartbeat to " + address + " failed: " + describe(e.getStatus()));
        scheduleNext(this::heartbeat, heartbeatInterval);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "heartbeat failed unexpectedly", e);
      scheduleNext(this::heartbeat, heartbeatInterval);
    }
  }

  private void sendHeartbeat() {
    HeartbeatResponse response =
        stub.withDeadlineAfter(heartbeatDeadline().toMillis(), TimeUnit.MILLISECONDS)
            .heartbeat(
                HeartbeatRequest.newBuilder()
                    .setWorkerId(config.workerId())
                    .setActiveTasks(activeTasks.getAsInt())
                    .setDraining(draining.getAsBoolean())
                    .build());
    if (response.getDrain() && response.getHold()) {
      if (!held && !leaving) {
        held = true;
        LOG.info("the master holds this worker for removal: no new work, not ready");
        requests.hold();
      }
    } else if (response.getDrain()) {
      if (!leaving && (held || !draining.getAsBoolean())) {
        leaving = true;
        held = false;
        LOG.info("the master asks this worker to drain");
        requests.drain();
      }
    } else if (held) {
      // Also when a new leader, which knows nothing of the hold, answers: it decides afresh.
      held = false;
      LOG.info("the master takes this worker back into service");
      requests.release();
    }
  }

  /**
   * Our own schedule paces the retries, so the channel need not: after a few failed connects
   * grpc-java waits seconds (growing to two minutes) before it dials again and fails calls at once
   * meanwhile. A master back from a restart then heard from its workers only after that wait, too
   * late for the restart's reconciliation window, and their running jobs were taken for lost.
   */
  private void failed(String at) {
    failed = at;
    failedAtNanos = System.nanoTime();
  }

  private boolean failedRecently(String at) {
    return at.equals(failed) && System.nanoTime() - failedAtNanos < FAILED_RECENTLY.toNanos();
  }

  /**
   * A heartbeat unanswered for two intervals (1 to 5 s) means a master that is paused or cut off:
   * the worker looks for the leader then, soon enough for the new leader's wait for its workers.
   */
  private Duration heartbeatDeadline() {
    Duration two = heartbeatInterval.multipliedBy(2);
    return two.compareTo(Duration.ofSeconds(1)) < 0
        ? Duration.ofSeconds(1)
        : two.compareTo(CALL_DEADLINE) > 0 ? CALL_DEADLINE : two;
  }

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
      if (scheduled != null) {
        scheduled.cancel(false);
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
      scheduled = scheduler.schedule(step, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static String describe(Status status) {
    return status.getCode()
        + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }

  /** Closes the channels to masters. */
  public void closeChannels() {
    open.values().forEach(ManagedChannel::shutdownNow);
  }
}
