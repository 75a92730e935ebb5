package io.distexec.master.dispatch;

import io.distexec.master.jobs.FencedException;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.registry.RegistryListener;
import io.distexec.master.registry.WorkerNode;
import io.distexec.master.scheduling.JobQueue;
import io.distexec.master.scheduling.Placement;
import io.distexec.master.scheduling.Scheduler;
import io.distexec.master.scheduling.WaitReason;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves queued jobs onto workers and follows each attempt to its end. One loop takes jobs from the
 * queue in order, asks the {@link Scheduler} for a worker and sends the attempt through the {@link
 * WorkerPort}; each event that comes back goes to the {@link AttemptPolicy}, whose decision {@link
 * AttemptOutcomes} applies, fenced by attempt. Retry backoffs and the restart grace period run on
 * the injected clock.
 */
public final class Dispatcher implements RegistryListener, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

  /** How many recovered jobs the loop reads the type of in one turn. */
  static final int LOOKAHEAD = 64;

  /** The longest the loop sleeps without a signal: a safety net only, changes signal. */
  static final Duration LOOP_WAIT = Duration.ofSeconds(1);

  private final JobStore store;
  private final JobQueue queue;
  private final NodeRegistry registry;
  private final Scheduler scheduler;
  private final WorkerPort workers;
  private final JobEvents events;
  private final AttemptBook book = new AttemptBook();
  private final RetryTimer retries;
  private final AttemptOutcomes outcomes;
  private final Recovery recovery;
  private final AttemptHandler attempts;
  private final QueuedJobs queuedJobs;

  private final Clock clock;
  private final Signal signal = new Signal();
  private volatile boolean running = true;
  private volatile Thread loopThread;

  /** Counts this master's leaderships: a loop runs only within its own. */
  private volatile long generation;

  /**
   * True while this master leads and has read the jobs workers may report on: only then may workers
   * register, and only then does it take jobs that other masters announce.
   */
  private volatile boolean acceptsWorkers;

  /** Counted down when the current loop ends (already down when none runs). */
  private volatile CountDownLatch loopEnded = new CountDownLatch(0);

  /** How long {@link #stopLeading} waits for the loop to end. */
  static final Duration STOP_WAIT = Duration.ofSeconds(30);

  /** What {@link #recover} found. */
  public record Recovered(int queued, int onWorkers) {}

  public Dispatcher(
      JobStore store,
      JobQueue queue,
      NodeRegistry registry,
      Scheduler scheduler,
      WorkerPort workers,
      JobEvents events,
      Clock clock) {
    this.store = store;
    this.queue = queue;
    this.registry = registry;
    this.scheduler = scheduler;
    this.workers = workers;
    this.events = events;
    this.clock = clock;
    this.retries = new RetryTimer(clock);
    this.outcomes = new AttemptOutcomes(store, queue, retries, clock);
    this.recovery = new Recovery(store, queue, outcomes, clock);
    this.queuedJobs = new QueuedJobs(store, queue);
    this.attempts =
        new AttemptHandler(store, registry, workers, events, book, outcomes, this::wake);
    registry.addListener(this);
  }

  /**
   * Runs the dispatch loop on the given executor (the master's managed executor) until {@link
   * #close()}. For a master that leads from its start (one master, or a test).
   */
  public void start(Executor executor) {
    acceptsWorkers = true;
    executor.execute(() -> loop(generation));
  }

  /**
   * This master leads from now on: on the executor, takes over the unfinished jobs in the store
   * (see {@link #recover}; workers are given {@code grace} to come back) and then dispatches, until
   * {@link #stopLeading}. Returns at once.
   */
  public synchronized void lead(Executor executor, Duration grace) {
    long term = ++generation;
    acceptsWorkers = false; // until the jobs they may report on are read
    running = true;
    CountDownLatch ended = new CountDownLatch(1);
    loopEnded = ended;
    executor.execute(
        () -> {
          try {
            Recovered recovered = recover(grace);
            if (recovered.queued() + recovered.onWorkers() > 0) {
              LOG.info(
                  () ->
                      "took over "
                          + recovered.queued()
                          + " queued job(s) and "
                          + recovered.onWorkers()
                          + " job(s) on workers");
            }
            synchronized (this) {
              if (generation != term) {
                return; // it stopped leading meanwhile
              }
              acceptsWorkers = true;
            }
            loopUntilStopped(term);
          } finally {
            ended.countDown();
          }
        });
  }

  /**
   * This master no longer leads: stops dispatching, waits for the loop to end, and forgets every
   * job, attempt and worker without writing anything (the new leader's term fences any write that
   * was still under way). Calls to workers are ended; their events are ignored.
   */
  public void stopLeading() {
    CountDownLatch ended;
    synchronized (this) {
      acceptsWorkers = false;
      running = false;
      generation++;
      ended = loopEnded;
      if (loopThread != null) {
        loopThread.interrupt(); // a sleeping loop wakes at once (its thread is still the loop's)
      }
    }
    wake();
    // The loop's thread is pooled: it outlives the loop, so wait for the loop, not the thread.
    try {
      if (!ended.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warning("the dispatch loop did not stop within " + STOP_WAIT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Attempt attempt : book.clear()) {
      WorkerPort.Call call = attempt.call;
      if (call != null) {
        call.abandon("this master stopped leading");
      }
    }
    retries.clear();
    recovery.clear();
    queue.clear();
    for (WorkerNode worker : registry.clear()) {
      workers.forget(worker.id(), false);
    }
  }

  /** Whether workers may register: this master leads and has read the jobs they may report on. */
  public boolean acceptsWorkers() {
    return acceptsWorkers;
  }

  /**
   * A job stored QUEUED by another master (a standby took the submit): it joins the queue unless it
   * is known here already.
   */
  public void queuedElsewhere(String jobId, String type) {
    if (!acceptsWorkers) {
      return; // not leading: whoever leads reads it from the store
    }
    if (queue.admitRecovered(jobId)) {
      queue.add(jobId, type);
      wake();
    }
  }

  /**
   * Another master changed a job (a standby cancelled a queued one): a job that ended gives its
   * permit back here.
   */
  public void changedElsewhere(String jobId) {
    if (!acceptsWorkers || !queue.holds(jobId) || book.find(jobId) != null) {
      return;
    }
    Optional<Job> job = store.find(jobId);
    if (job.isEmpty() || job.get().status().isTerminal()) {
      queue.remove(jobId);
      queue.release(jobId);
    }
  }

  /**
   * Queues every job in the store that is queued but unknown here: after announcements may have
   * been missed (the listening connection was lost).
   */
  public void adoptQueued() {
    if (!acceptsWorkers) {
      return;
    }
    store.forEachUnfinished(
        job -> {
          if (job.status() == JobStatus.QUEUED) {
            queuedElsewhere(job.id(), JobQueue.UNKNOWN_TYPE);
          }
        });
  }

  /** Something changed (a job queued, a worker came, a task ended): look at the queue again. */
  public void wake() {
    signal.raise();
  }

  public boolean isRunning() {
    Thread t = loopThread;
    return running && t != null && t.isAlive();
  }

  /** Tasks in flight per worker id. */
  public Map<String, Integer> inFlight() {
    return book.inFlight();
  }

  private void loop(long term) {
    CountDownLatch ended = new CountDownLatch(1);
    loopEnded = ended;
    try {
      loopUntilStopped(term);
    } finally {
      ended.countDown();
    }
  }

  private void loopUntilStopped(long term) {
    loopThread = Thread.currentThread();
    LOG.info("dispatcher started");
    while (running && generation == term) {
      try {
        retries.takeDue().forEach(due -> queue.add(due.jobId(), due.type()));
        recovery.expire();
        if (!dispatchNext()) {
          signal.await(retries.untilNext(LOOP_WAIT));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (FencedException e) {
        LOG.warning(() -> "dispatch refused: " + e.getMessage());
        break;
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "dispatch failed; trying again shortly", e);
        try {
          signal.await(LOOP_WAIT); // a store that is down is not hammered
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    synchronized (this) {
      loopThread = null; // its thread goes back to the pool: nobody may interrupt it any more
    }
    Thread.interrupted(); // a pooled thread goes back clean
    LOG.info("dispatcher stopped");
  }

  /**
   * Dispatches one job if one can run now; false when nothing could be done. Looks at the head of
   * each type's lane, oldest first, and skips a lane whose type no worker can take now without
   * reading its jobs: jobs that cannot be placed never hold up those that can.
   */
  boolean dispatchNext() {
    List<WorkerNode> snapshot = registry.snapshot();
    Map<String, Integer> load = book.inFlight();
    if (!scheduler.anyFreeSlot(snapshot, load)) {
      // Every worker is full: nothing can be placed, so do not read queued jobs from the store.
      return false;
    }
    for (JobQueue.Head head : queue.heads()) {
      if (head.type().equals(JobQueue.UNKNOWN_TYPE)) {
        return queuedJobs.learnTypes(LOOKAHEAD);
      }
      Placement placement = scheduler.place(head.type(), snapshot, load);
      if (!placement.placed()) {
        continue;
      }
      Optional<Job> job = queuedJobs.read(head.jobId());
      if (job.isEmpty() || job.get().status() != JobStatus.QUEUED) {
        queue.remove(head.jobId()); // cancelled or finished meanwhile
        if (job.isEmpty() || job.get().status().isTerminal()) {
          queue.release(head.jobId()); // a no-op when whoever ended it gave the permit back
        }
        return true;
      }
      String chosen = placement.workerId().orElseThrow();
      send(
          job.get(),
          snapshot.stream().filter(w -> w.id().equals(chosen)).findFirst().orElseThrow());
      return true;
    }
    return false;
  }

  private void send(Job queued, WorkerNode worker) {
    Job job;
    try {
      job = store.update(queued.id(), j -> j.dispatchedTo(worker.id())).orElseThrow();
    } catch (IllegalStateException e) {
      LOG.fine(
          () -> "job " + queued.id() + " changed before dispatch (cancelled?): " + e.getMessage());
      queue.remove(queued.id());
      return;
    }
    // Only now that DISPATCHED is committed does the job leave the queue: if the store refused the
    // write, the job is still queued and is tried again.
    queue.remove(job.id());
    Attempt attempt = new Attempt(job.id(), worker.id(), job.attempt());
    book.open(attempt);
    LOG.fine(
        () -> "dispatching job " + job.id() + " attempt " + job.attempt() + " to " + worker.id());
    attempt.call =
        workers.execute(
            worker,
            TaskRequest.of(job.id(), job.attempt(), job.spec()),
            event -> attempts.on(attempt, event));
  }

  /**
   * Asks the worker running a job to cancel it; the job ends CANCELLED when the worker reports. A
   * job between the queue and its worker is cancelled as soon as the worker confirms the start.
   */
  public void cancel(String jobId, String reason) {
    attempts.cancel(jobId, reason);
  }

  /**
   * Takes over the unfinished jobs of a previous master; see {@link Recovery}. Call before workers
   * can register.
   */
  public Recovered recover(Duration grace) {
    Recovered recovered = recovery.recover(grace);
    wake();
    return recovered;
  }

  /**
   * A worker registered, naming the tasks it runs or ran recently: jobs that were on it before the
   * master restarted are followed again when it knows them, and lost otherwise.
   */
  public void reconcile(String workerId, Collection<String> taskIds) {
    for (Attempt attempt : recovery.reconcile(workerId, taskIds)) {
      Optional<WorkerNode> worker = registry.find(workerId);
      if (worker.isEmpty()) {
        recovery.lost(
            attempt, "worker " + workerId + " left before the master could follow the task");
        continue;
      }
      book.open(attempt); // a cancel asked meanwhile is sent when the worker confirms
      attempt.call =
          workers.attach(worker.get(), attempt.taskId(), event -> attempts.on(attempt, event));
    }
  }

  /**
   * Why a queued job waits, in words for its user: its retry backoff, no worker that could ever
   * take it, busy or draining workers, or its turn in the queue. Empty for a job that does not
   * wait.
   */
  public Optional<String> waiting(Job job) {
    if (job.status() != JobStatus.QUEUED) {
      return Optional.empty();
    }
    return Optional.of(
        retries
            .dueAt(job.id())
            .map(due -> WaitReason.backoff(job.outcome().error(), due, clock.instant()))
            .orElseGet(
                () ->
                    WaitReason.explain(
                        job.spec().type(),
                        registry.snapshot(),
                        book.inFlight(),
                        queue.position(job.id()))));
  }

  @Override
  public void workerAvailable(WorkerNode worker) {
    wake();
  }

  @Override
  public void workerGone(WorkerNode worker, boolean dead, String reason) {
    if (dead) {
      // Its tasks cannot report any more: end their calls, which ends the jobs LOST with the
      // reason.
      for (Attempt attempt : book.on(worker.id())) {
        attempt.lostReason = reason;
        WorkerPort.Call call = attempt.call;
        if (call != null) {
          call.abandon(reason);
        }
      }
    }
    workers.forget(worker.id(), dead);
    book.forgetWorker(worker.id());
    wake();
  }

  @Override
  public void close() {
    running = false;
    Thread t = loopThread;
    if (t != null) {
      t.interrupt();
    }
    wake();
  }
}
