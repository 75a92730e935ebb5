package io.distexec.master.dispatch;

import io.distexec.master.grpc.ProtoMapper;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.RetryPolicy;
import io.distexec.master.jobs.JobEvents;
import io.distexec.executor.StdStream;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.registry.RegistryListener;
import io.distexec.master.registry.WorkerNode;
import io.distexec.master.scheduling.JobQueue;
import io.distexec.master.scheduling.Placement;
import io.distexec.master.scheduling.Scheduler;
import io.distexec.proto.v1.AttachTaskRequest;
import io.distexec.proto.v1.CancelTaskRequest;
import io.distexec.proto.v1.CancelTaskResponse;
import io.distexec.proto.v1.ExecuteTaskRequest;
import io.distexec.proto.v1.OutputStream;
import io.distexec.proto.v1.TaskEvent;
import io.distexec.proto.v1.TaskOutcome;
import io.distexec.proto.v1.TaskResult;
import io.distexec.proto.v1.WorkerServiceGrpc;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves queued jobs onto workers and follows each attempt to its end. One loop thread takes jobs
 * from the queue in order, asks the {@link Scheduler} for a worker and starts the worker's
 * {@code ExecuteTask} stream; the stream's events move the job to RUNNING and to its terminal state.
 * Every report is checked against the job's current attempt, so a late report from an old attempt
 * cannot overwrite a newer outcome.
 */
public final class Dispatcher implements RegistryListener, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
  /** How far down the queue the loop looks for a job that can run when the head cannot. */
  static final int LOOKAHEAD = 64;
  /** Extra time past a task's own timeout before the master gives up on the call. */
  static final Duration CALL_MARGIN = Duration.ofMinutes(1);

  private final JobStore store;
  private final JobQueue queue;
  private final NodeRegistry registry;
  private final Scheduler scheduler;
  private final WorkerChannels channels;
  private final JobEvents events;
  private final Clock clock;

  private final Map<String, AtomicInteger> inFlightByWorker = new ConcurrentHashMap<>();
  private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
  private final Map<String, String> pendingCancels = new ConcurrentHashMap<>();
  /** Attempts found on workers at start, by worker id, until the worker registers again. */
  private final Map<String, Map<String, Attempt>> orphans = new ConcurrentHashMap<>();
  /** Puts jobs back in the queue when their retry backoff has passed. */
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "distexec-retries");
    t.setDaemon(true);
    return t;
  });
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean signalled;
  private volatile boolean running = true;
  private volatile Thread loopThread;

  /** One dispatch of a job to a worker. */
  private static final class Attempt {
    final String jobId;
    final String workerId;
    final int number;
    volatile ClientCallStreamObserver<?> call;
    volatile String lostReason;
    volatile String cancelReason;

    Attempt(String jobId, String workerId, int number) {
      this.jobId = jobId;
      this.workerId = workerId;
      this.number = number;
    }
  }

  public Dispatcher(JobStore store, JobQueue queue, NodeRegistry registry, Scheduler scheduler,
      WorkerChannels channels, JobEvents events, Clock clock) {
    this.store = store;
    this.queue = queue;
    this.registry = registry;
    this.scheduler = scheduler;
    this.channels = channels;
    this.events = events;
    this.clock = clock;
    registry.addListener(this);
  }

  /** Runs the dispatch loop on the given executor until {@link #close()}. */
  public void start(java.util.concurrent.Executor executor) {
    executor.execute(this::loop);
  }

  /** Something changed (a job queued, a worker came, a task ended): look at the queue again. */
  public void wake() {
    lock.lock();
    try {
      signalled = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean isRunning() {
    Thread t = loopThread;
    return running && t != null && t.isAlive();
  }

  /** Tasks in flight per worker id. */
  public Map<String, Integer> inFlight() {
    Map<String, Integer> counts = new HashMap<>();
    inFlightByWorker.forEach((id, n) -> counts.put(id, n.get()));
    return counts;
  }

  private void loop() {
    loopThread = Thread.currentThread();
    LOG.info("dispatcher started");
    while (running) {
      try {
        if (!dispatchNext()) {
          awaitChange();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "dispatch failed; continuing", e);
      }
    }
    LOG.info("dispatcher stopped");
  }

  private void awaitChange() throws InterruptedException {
    lock.lock();
    try {
      // The timeout is a safety net only; changes signal.
      if (!signalled) {
        changed.await(1, TimeUnit.SECONDS);
      }
      signalled = false;
    } finally {
      lock.unlock();
    }
  }

  /** Dispatches one job if one can run now; false when nothing could be done. */
  boolean dispatchNext() {
    List<WorkerNode> workers = registry.snapshot();
    Map<String, Integer> load = inFlight();
    if (!scheduler.anyFreeSlot(workers, load)) {
      // Every worker is full: nothing can be placed, so do not read queued jobs from the store (under
      // load this was up to LOOKAHEAD reads for every submit and every task end).
      return false;
    }
    for (String jobId : queue.head(LOOKAHEAD)) {
      Optional<Job> job = store.find(jobId);
      if (job.isEmpty() || job.get().status() != JobStatus.QUEUED) {
        queue.remove(jobId); // cancelled or finished meanwhile
        return true;
      }
      Placement placement = scheduler.place(job.get().spec().type(), workers, load);
      if (placement.placed() && queue.remove(jobId)) {
        WorkerNode worker = workers.stream().filter(w -> w.id().equals(placement.workerId().get())).findFirst()
            .orElseThrow();
        send(job.get(), worker);
        return true;
      }
    }
    return false;
  }

  private void send(Job queued, WorkerNode worker) {
    Job job;
    try {
      job = store.update(queued.id(), j -> j.dispatchedTo(worker.id())).orElseThrow();
    } catch (IllegalStateException e) {
      LOG.fine(() -> "job " + queued.id() + " changed before dispatch (cancelled?): " + e.getMessage());
      return;
    }
    Attempt attempt = new Attempt(job.id(), worker.id(), job.attempt());
    attempts.put(job.id(), attempt);
    inFlightByWorker.computeIfAbsent(worker.id(), k -> new AtomicInteger()).incrementAndGet();
    // A cancel that raced with this dispatch is sent once the worker confirms the start.
    attempt.cancelReason = pendingCancels.remove(job.id());
    ExecuteTaskRequest request = ExecuteTaskRequest.newBuilder()
        .setTaskId(taskId(job.id(), job.attempt()))
        .setJobId(job.id())
        .setAttempt(job.attempt())
        .setSpec(ProtoMapper.toProto(job.spec()))
        .build();
    WorkerServiceGrpc.WorkerServiceStub stub = WorkerServiceGrpc.newStub(channels.channelFor(worker));
    if (job.spec().timeoutSeconds() > 0) {
      stub = stub.withDeadlineAfter(job.spec().timeoutSeconds() + CALL_MARGIN.toSeconds(), TimeUnit.SECONDS);
    }
    LOG.fine(() -> "dispatching job " + job.id() + " attempt " + job.attempt() + " to " + worker.id());
    stub.executeTask(request, new AttemptObserver<>(attempt));
  }

  private final class AttemptObserver<R> implements ClientResponseObserver<R, TaskEvent> {
    private final Attempt attempt;
    private boolean started;
    private boolean finished;

    AttemptObserver(Attempt attempt) {
      this.attempt = attempt;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<R> call) {
      attempt.call = call;
    }

    /**
     * Records one event of the task. A failure to record it (the store refusing a write) is logged
     * and the task goes on: thrown from here, it would make gRPC cancel the call, and the dispatcher
     * would take a job whose task runs fine for lost.
     */
    @Override
    public void onNext(TaskEvent event) {
      try {
        record(event);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not record " + event.getEventCase() + " of job " + attempt.jobId + " from worker "
            + attempt.workerId + "; the task goes on", e);
      }
    }

    private void record(TaskEvent event) {
      switch (event.getEventCase()) {
        case STARTED -> {
          started = true;
          // (A job followed again after a master restart may be RUNNING already.)
          apply(attempt, j -> j.status() == JobStatus.RUNNING ? j
              : j.running(ProtoMapper.instant(event.getStarted().getStartedAt())));
          if (attempt.cancelReason != null) {
            sendCancel(attempt); // asked before the worker had the task: ask again now it runs
          }
        }
        case OUTPUT -> events.output(attempt.jobId,
            event.getOutput().getStream() == OutputStream.OUTPUT_STREAM_STDERR ? StdStream.STDERR : StdStream.STDOUT,
            event.getOutput().getData().toByteArray(), event.getOutput().getOffset());
        case RESULT -> {
          finished = true;
          TaskResult result = event.getResult();
          Optional<Job> current = store.find(attempt.jobId);
          if (result.getOutcome() == TaskOutcome.TASK_OUTCOME_FAILED && result.hasExitCode() && current.isPresent()
              && current.get().retry().retriesExitCode(result.getExitCode())
              && current.get().retry().allowsAnotherAfter(attempt.number)) {
            retry(attempt, current.get().retry(), "attempt " + attempt.number + " exited with code "
                + result.getExitCode());
          } else {
            apply(attempt, j -> j.finished(ProtoMapper.toStatus(result.getOutcome()), ProtoMapper.toOutcome(result),
                clock.instant()));
          }
        }
        default -> LOG.warning(() -> "ignoring unknown event from " + attempt.workerId + ": " + event.getEventCase());
      }
    }

    @Override
    public void onError(Throwable error) {
      Status status = Status.fromThrowable(error);
      try {
        if (finished) {
          return;
        }
        if (refusedBeforeStart(status)) {
          registry.markUnreachable(attempt.workerId, status.getCode() + (status.getDescription() == null ? ""
              : ": " + status.getDescription()));
        }
        if (!started && attempt.lostReason == null && refusedBeforeStart(status)) {
          // The worker never started the task (busy or draining): it goes back to the queue.
          LOG.info(() -> "worker " + attempt.workerId + " refused job " + attempt.jobId + " ("
              + status.getCode() + ": " + status.getDescription() + "); requeued");
          requeue(attempt);
          return;
        }
        if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
          apply(attempt, j -> j.finished(JobStatus.FAILED, JobOutcome.error(status.getDescription()),
              clock.instant()));
          return;
        }
        lose(attempt, store.find(attempt.jobId), attempt.lostReason != null ? attempt.lostReason
            : "lost contact with worker " + attempt.workerId + ": " + status.getCode()
                + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")"));
      } finally {
        ended(attempt);
      }
    }

    @Override
    public void onCompleted() {
      if (!finished) {
        apply(attempt, j -> j.finished(JobStatus.LOST,
            JobOutcome.error("worker " + attempt.workerId + " ended the task without a result"), clock.instant()));
      }
      ended(attempt);
    }
  }

  /**
   * Asks the worker running a job to cancel it; the job ends CANCELLED when the worker reports. A
   * job between the queue and its worker is cancelled as soon as the worker confirms the start.
   */
  public void cancel(String jobId, String reason) {
    Attempt attempt = attempts.get(jobId);
    if (attempt == null) {
      // Dispatched this instant, its attempt not yet recorded: send() picks the request up.
      pendingCancels.put(jobId, reason);
      return;
    }
    attempt.cancelReason = reason;
    sendCancel(attempt);
  }

  private void sendCancel(Attempt attempt) {
    // In a fork of the current gRPC context: when this runs for a CancelJob call, that call's context
    // is cancelled as soon as it answers, and would cancel this call to the worker with it.
    Context.current().fork().run(() -> sendCancelNow(attempt));
  }

  private void sendCancelNow(Attempt attempt) {
    registry.find(attempt.workerId).ifPresentOrElse(worker -> WorkerServiceGrpc.newStub(channels.channelFor(worker))
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .cancelTask(CancelTaskRequest.newBuilder().setTaskId(taskId(attempt.jobId, attempt.number))
            .setReason(attempt.cancelReason).build(), new StreamObserver<>() {
              @Override
              public void onNext(CancelTaskResponse response) {}

              @Override
              public void onError(Throwable t) {
                // NOT_FOUND: not started yet (asked again on start) or just ended (its result says how).
                LOG.fine(() -> "cancel of job " + attempt.jobId + " on " + attempt.workerId + ": " + Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {}
            }),
        () -> LOG.warning(() -> "cannot cancel job " + attempt.jobId + ": worker " + attempt.workerId + " is gone"));
  }

  /** The worker's name for an attempt of a job. */
  static String taskId(String jobId, int attempt) {
    return jobId + "#" + attempt;
  }

  /** What {@link #recover} found. */
  public record Recovered(int queued, int onWorkers) {}

  /**
   * Takes over the unfinished jobs of a previous master (after a restart or crash): queued ones are
   * queued again; those that were on a worker wait for that worker to register again, which says
   * whether it still runs or ran them ({@link #reconcile}). A worker that does not come back within
   * {@code grace} is dead, and its attempts are lost (retried where the policy allows). Call before
   * workers can register.
   */
  public Recovered recover(Duration grace) {
    int[] counts = new int[2];
    store.forEachUnfinished(job -> {
      queue.admitRecovered();
      if (job.status() == JobStatus.QUEUED) {
        queue.add(job.id());
        counts[0]++;
      } else {
        orphans.computeIfAbsent(job.workerId(), w -> new ConcurrentHashMap<>())
            .put(job.id(), new Attempt(job.id(), job.workerId(), job.attempt()));
        counts[1]++;
      }
    });
    if (counts[1] > 0) {
      retries.schedule(() -> orphans.keySet().forEach(worker -> abandon(worker, "worker " + worker
          + " did not register again within " + grace.toSeconds() + " s of the master's restart")),
          grace.toMillis(), TimeUnit.MILLISECONDS);
    }
    wake();
    return new Recovered(counts[0], counts[1]);
  }

  /**
   * A worker registered, naming the tasks it runs or ran recently: jobs that were on it before the
   * master restarted are followed again ({@code AttachTask}) when it knows them, and lost otherwise.
   */
  public void reconcile(String workerId, Collection<String> taskIds) {
    Map<String, Attempt> adopted = orphans.remove(workerId);
    if (adopted == null) {
      return;
    }
    Set<String> known = Set.copyOf(taskIds);
    int followed = 0;
    for (Attempt attempt : adopted.values()) {
      if (known.contains(taskId(attempt.jobId, attempt.number))) {
        follow(attempt);
        followed++;
      } else {
        lostInRestart(attempt, "worker " + workerId + " no longer knows the task (it restarted while the master"
            + " was away)");
      }
    }
    int found = followed;
    LOG.info(() -> "worker " + workerId + " is back: following " + found + " of its " + adopted.size()
        + " job(s) from before the master restarted");
  }

  private void abandon(String workerId, String reason) {
    Map<String, Attempt> adopted = orphans.remove(workerId);
    if (adopted != null) {
      LOG.warning(() -> reason + "; its " + adopted.size() + " job(s) are lost or retried");
      adopted.values().forEach(attempt -> lostInRestart(attempt, reason));
    }
  }

  private void follow(Attempt attempt) {
    Optional<WorkerNode> worker = registry.find(attempt.workerId);
    if (worker.isEmpty()) {
      lostInRestart(attempt, "worker " + attempt.workerId + " left before the master could follow the task");
      return;
    }
    attempts.put(attempt.jobId, attempt);
    inFlightByWorker.computeIfAbsent(attempt.workerId, k -> new AtomicInteger()).incrementAndGet();
    attempt.cancelReason = pendingCancels.remove(attempt.jobId); // sent when the worker confirms
    // In a fork of the current gRPC context: this runs inside the worker's Register call, whose
    // context is cancelled as soon as it answers, and would cancel this call with it.
    Context.current().fork().run(() -> WorkerServiceGrpc.newStub(channels.channelFor(worker.get())).attachTask(
        AttachTaskRequest.newBuilder().setTaskId(taskId(attempt.jobId, attempt.number)).build(),
        new AttemptObserver<>(attempt)));
  }

  /**
   * An attempt from before the restart that its worker cannot finish: a job that never started goes
   * back to the queue (the attempt does not count); a started one is retried or ends LOST.
   */
  private void lostInRestart(Attempt attempt, String reason) {
    Optional<Job> job = store.find(attempt.jobId);
    if (job.isEmpty() || job.get().status().isTerminal()) {
      return;
    }
    if (job.get().status() == JobStatus.DISPATCHED) {
      requeue(attempt);
      wake();
    } else {
      lose(attempt, job, reason);
    }
  }

  /** The worker never started the attempt: back to the front of the queue, the attempt not counted. */
  private void requeue(Attempt attempt) {
    if (apply(attempt, Job::requeued)) {
      queue.addFirst(attempt.jobId);
    }
  }

  /**
   * The attempt is lost: the job runs again after the policy's backoff while attempts remain (and
   * nobody asked to cancel it), otherwise it ends LOST with the reason.
   */
  private void lose(Attempt attempt, Optional<Job> current, String reason) {
    if (attempt.cancelReason == null && current.isPresent()
        && current.get().retry().allowsAnotherAfter(attempt.number)) {
      retry(attempt, current.get().retry(), "attempt " + attempt.number + " lost: " + reason);
      return;
    }
    String message = attempt.number > 1 ? reason + " (attempt " + attempt.number + ", the last allowed)" : reason;
    apply(attempt, j -> j.finished(JobStatus.LOST, JobOutcome.error(message), clock.instant()));
  }

  /** Back to the queue after the policy's backoff; the job keeps its permit meanwhile. */
  private void retry(Attempt attempt, RetryPolicy policy, String why) {
    Duration backoff = policy.backoffAfter(attempt.number);
    String reason = why + "; retrying in " + backoff.toSeconds() + " s";
    if (apply(attempt, j -> j.retried(reason))) {
      LOG.info(() -> "job " + attempt.jobId + ": " + reason);
      retries.schedule(() -> {
        queue.add(attempt.jobId);
        wake();
      }, backoff.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static boolean refusedBeforeStart(Status status) {
    return status.getCode() == Status.Code.RESOURCE_EXHAUSTED || status.getCode() == Status.Code.UNAVAILABLE;
  }

  /**
   * Applies a change to the job if this attempt is still its current one; a report from an older
   * attempt (or one that would move the job backwards) is refused and logged.
   */
  private boolean apply(Attempt attempt, UnaryOperator<Job> change) {
    try {
      Optional<Job> updated = store.update(attempt.jobId, job -> {
        if (job.attempt() != attempt.number || !attempt.workerId.equals(job.workerId())) {
          throw new IllegalStateException("stale report from attempt " + attempt.number + " on "
              + attempt.workerId + "; job is at attempt " + job.attempt() + " on " + job.workerId());
        }
        return change.apply(job);
      });
      if (updated.isPresent() && updated.get().status().isTerminal()) {
        queue.release();
      }
      return updated.isPresent();
    } catch (IllegalStateException e) {
      LOG.warning(() -> "refused report for job " + attempt.jobId + ": " + e.getMessage());
      return false;
    }
  }

  private void ended(Attempt attempt) {
    attempts.remove(attempt.jobId, attempt);
    AtomicInteger count = inFlightByWorker.get(attempt.workerId);
    if (count != null) {
      count.decrementAndGet();
    }
    wake();
  }

  @Override
  public void workerAvailable(WorkerNode worker) {
    wake();
  }

  @Override
  public void workerGone(WorkerNode worker, boolean dead, String reason) {
    if (dead) {
      // Its tasks cannot report any more: end their calls, which ends the jobs LOST with the reason.
      for (Attempt attempt : attempts.values()) {
        if (attempt.workerId.equals(worker.id())) {
          attempt.lostReason = reason;
          ClientCallStreamObserver<?> call = attempt.call;
          if (call != null) {
            call.cancel(reason, null);
          }
        }
      }
    }
    channels.close(worker.id(), dead);
    inFlightByWorker.remove(worker.id());
    wake();
  }

  @Override
  public void close() {
    running = false;
    retries.shutdownNow();
    Thread t = loopThread;
    if (t != null) {
      t.interrupt();
    }
    wake();
  }
}
