package io.distexec.worker.execution;

import io.distexec.executor.Cancellation;
import io.distexec.executor.Executor;
import io.distexec.executor.ExecutorRegistry;
import io.distexec.executor.InvalidTaskException;
import io.distexec.executor.OutputSink;
import io.distexec.executor.Result;
import io.distexec.executor.Task;
import io.distexec.worker.execution.TaskRejectedException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks on the worker's managed executor, at most {@code maxConcurrentTasks} at once, through
 * the executor registered for each task's type. Knows which tasks run, so that they can be
 * cancelled and so that shutdown can wait for them.
 */
public final class TaskRunner {

  private static final Logger LOG = Logger.getLogger(TaskRunner.class.getName());

  private final ExecutorRegistry executors;
  private final ExecutorService threads;
  private final int maxConcurrentTasks;
  private final Semaphore slots;
  private final Map<String, Cancellation> running = new ConcurrentHashMap<>();
  private volatile boolean draining;

  public TaskRunner(ExecutorRegistry executors, ExecutorService threads, int maxConcurrentTasks) {
    this.executors = executors;
    this.threads = threads;
    this.maxConcurrentTasks = maxConcurrentTasks;
    this.slots = new Semaphore(maxConcurrentTasks);
  }

  /**
   * Validates and starts a task; returns at once.
   *
   * @param output receives the task's output while it runs
   * @param onStart told when the task starts running
   * @param onResult told exactly once how it ended
   * @throws TaskRejectedException when the task is not started (nothing is reported then)
   */
  public void start(
      Task task, OutputSink output, Consumer<Instant> onStart, Consumer<Result> onResult)
      throws TaskRejectedException {
    Executor executor =
        executors
            .find(task.type())
            .orElseThrow(
                () ->
                    new TaskRejectedException(
                        Reason.INVALID,
                        "this worker has no executor named '"
                            + task.type()
                            + "'; it has "
                            + executors.names()));
    try {
      executor.validate(task);
    } catch (InvalidTaskException e) {
      throw new TaskRejectedException(Reason.INVALID, e.getMessage());
    }
    if (draining) {
      throw new TaskRejectedException(
          Reason.DRAINING, "worker is draining; send the task elsewhere");
    }
    if (!slots.tryAcquire()) {
      throw new TaskRejectedException(
          Reason.BUSY,
          "worker runs "
              + maxConcurrentTasks
              + " tasks already (MAX_CONCURRENT_TASKS); retry later");
    }
    Cancellation cancellation = new Cancellation(output);
    if (running.putIfAbsent(task.id(), cancellation) != null) {
      slots.release();
      throw new TaskRejectedException(
          Reason.DUPLICATE, "task " + task.id() + " is running already");
    }
    try {
      threads.execute(() -> run(executor, task, cancellation, onStart, onResult));
    } catch (RejectedExecutionException e) {
      finished(task.id());
      throw new TaskRejectedException(Reason.DRAINING, "worker is shutting down");
    }
  }

  private void run(
      Executor executor,
      Task task,
      Cancellation cancellation,
      Consumer<Instant> onStart,
      Consumer<Result> onResult) {
    Result result;
    try {
      onStart.accept(Instant.now());
      result = executor.execute(task, cancellation);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = Result.cancelledBeforeStart("cancelled: worker stopped while the task ran");
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "executor '" + executor.name() + "' failed on task " + task.id(), e);
      result =
          Result.failedToStart(
              "executor '" + executor.name() + "' failed: " + e, OptionalInt.empty());
    } finally {
      finished(task.id());
    }
    try {
      onResult.accept(result);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not report the result of task " + task.id(), e);
    }
  }

  private void finished(String taskId) {
    running.remove(taskId);
    slots.release();
    synchronized (this) {
      notifyAll();
    }
  }

  /** Cancels a running task; false when no such task runs. */
  public boolean cancel(String taskId, String reason) {
    Cancellation cancellation = running.get(taskId);
    if (cancellation == null) {
      return false;
    }
    cancellation.cancel(reason);
    return true;
  }

  /** Cancels every running task (shutdown after the grace period). */
  public void cancelAll(String reason) {
    running.values().forEach(c -> c.cancel(reason));
  }

  /** Takes no new tasks from now on. */
  public void drain() {
    draining = true;
  }

  /** Takes tasks again (the master released a hold). */
  public void undrain() {
    draining = false;
  }

  public boolean draining() {
    return draining;
  }

  public int active() {
    return running.size();
  }

  /** Waits until no task runs, at most {@code timeout}; true when idle. */
  public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!running.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
