package io.distexec.worker.execution;

import io.distexec.common.ProtoTime;
import io.distexec.proto.v1.TaskEvent;
import io.distexec.proto.v1.TaskResult;
import io.distexec.proto.v1.TaskStarted;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks of this worker as the master may ask about them: those running, each with the stream
 * its events go to, and those ended in the last {@link #KEEP}, with their results. A master that
 * restarts lost its streams; it learns the task ids when the worker registers again and follows
 * each task again with {@link #attach}, so a task that ran or ended while the master was away still
 * reaches the master with its result.
 */
final class TaskBook implements TaskReport {

  /** How long a result is kept after the task ended. */
  static final Duration KEEP = Duration.ofMinutes(10);

  /** At most this many results are kept. */
  static final int MAX_KEPT = 1000;

  /**
   * At most this many bytes of results are kept (each holds up to twice the output cap): the oldest
   * go first, so a burst of chatty tasks cannot fill the worker's heap.
   */
  static final long MAX_KEPT_BYTES = 64L * 1024 * 1024;

  private static final class Entry {
    EventStream stream;
    Instant startedAt;
    TaskResult result;
    Instant endedAt;
  }

  private final Map<String, Entry> tasks = new LinkedHashMap<>();

  /**
   * Ended tasks, oldest first: eviction looks only at the head (a scan of all was O(n) per task).
   */
  private final ArrayDeque<String> ended = new ArrayDeque<>();

  private final Clock clock;
  private long keptBytes;

  /**
   * The newest leadership term this worker has seen: a call of an older term comes from a deposed
   * leader (one paused past its lease, say) whose jobs the new leader has taken over, and must not
   * start or touch a task.
   */
  private long term;

  /**
   * True from the moment the task ids are read for a registration until the master answers: a task
   * of the known term started then would be missing from the list the new master reconciles with,
   * and it would run the job again elsewhere.
   */
  private boolean reporting;

  TaskBook(Clock clock) {
    this.clock = clock;
  }

  /**
   * Reserves a task id for a task about to start; its events go to {@code stream}. A task id this
   * worker knows (running, or ended and kept) is refused, and the known task is not touched; so is
   * a call of a deposed leader's term, and one of the known term while this worker registers.
   *
   * @param term the leadership term of the master that sends the task
   * @return the reservation, to hand back to {@link #refused} if the task does not start
   */
  synchronized Object accepted(String taskId, EventStream stream, long term)
      throws TaskRejectedException {
    refuseIfDeposed(term);
    if (reporting && term == this.term) {
      throw new TaskRejectedException(
          TaskRejectedException.Reason.REGISTERING,
          "this worker is registering with a master; the task was not started");
    }
    if (tasks.containsKey(taskId)) {
      throw new TaskRejectedException(
          TaskRejectedException.Reason.DUPLICATE,
          "task " + taskId + " runs or ran here already; follow it with AttachTask instead");
    }
    this.term = term;
    Entry entry = new Entry();
    entry.stream = stream;
    tasks.put(taskId, entry);
    return entry;
  }

  /**
   * Refuses a call of a term older than the newest seen, and remembers a newer one.
   *
   * @param term the leadership term of the master that calls
   */
  synchronized void obey(long term) throws TaskRejectedException {
    refuseIfDeposed(term);
    this.term = term;
  }

  private void refuseIfDeposed(long term) throws TaskRejectedException {
    if (term < this.term) {
      throw new TaskRejectedException(
          TaskRejectedException.Reason.DEPOSED,
          "this worker follows the leader of term "
              + this.term
              + "; a call of term "
              + term
              + " comes from a master that no longer leads");
    }
  }

  /** The task was refused after all: forget its reservation (and nothing else). */
  synchronized void refused(String taskId, Object reservation) {
    tasks.remove(taskId, reservation);
  }

  /** The task started: tells the master following it. */
  void started(String taskId, Instant at) {
    EventStream stream;
    synchronized (this) {
      Entry entry = tasks.get(taskId);
      if (entry == null) {
        return;
      }
      entry.startedAt = at;
      stream = entry.stream;
    }
    stream.send(startedEvent(at));
  }

  /** Where the task's output goes now: the stream of whoever follows it. */
  synchronized Optional<EventStream> stream(String taskId) {
    Entry entry = tasks.get(taskId);
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.stream);
  }

  /** The task ended: keeps its result and sends it to the master following it. */
  void ended(String taskId, TaskResult result) {
    EventStream stream;
    synchronized (this) {
      Entry entry = tasks.get(taskId);
      if (entry == null) {
        return;
      }
      entry.result = result;
      entry.endedAt = clock.instant();
      keptBytes += result.getSerializedSize();
      stream = entry.stream;
      ended.addLast(taskId);
      evict();
    }
    stream.send(TaskEvent.newBuilder().setResult(result).build());
    stream.complete();
  }

  /**
   * Follows a task with a new stream: a running task's further events go there (after a
   * TaskStarted); an ended task's result is sent at once.
   *
   * @return false when this worker neither runs the task nor keeps its result
   */
  boolean attach(String taskId, EventStream stream) {
    TaskResult result;
    Instant startedAt;
    synchronized (this) {
      Entry entry = tasks.get(taskId);
      if (entry == null) {
        return false;
      }
      result = entry.result;
      startedAt = entry.startedAt == null ? clock.instant() : entry.startedAt;
      if (result == null) {
        entry.stream = stream;
      }
    }
    stream.send(startedEvent(startedAt));
    if (result != null) {
      stream.send(TaskEvent.newBuilder().setResult(result).build());
      stream.complete();
    }
    return true;
  }

  /**
   * Ids of the tasks running now and of those whose results are kept, for a registration: until
   * {@link #registered} or {@link #unreported}, no task of the known term starts (see {@link
   * #reporting}).
   */
  @Override
  public synchronized List<String> taskIds() {
    reporting = true;
    evict();
    return new ArrayList<>(tasks.keySet());
  }

  /**
   * A master took the registration, leading with {@code term}.
   *
   * @return false when this worker knows a newer term: the master that answered no longer leads
   */
  @Override
  public synchronized boolean registered(long term) {
    reporting = false;
    if (term < this.term) {
      return false;
    }
    this.term = term;
    return true;
  }

  /** The registration failed: tasks may start again. */
  @Override
  public synchronized void unreported() {
    reporting = false;
  }

  /** Follows {@code term} from now on, though older than the one known (see {@link TaskReport}). */
  @Override
  public synchronized void termReset(long term) {
    reporting = false;
    this.term = term;
  }

  private void evict() {
    Instant cutoff = clock.instant().minus(KEEP);
    while (!ended.isEmpty()) {
      Entry oldest = tasks.get(ended.peekFirst());
      if (oldest != null
          && ended.size() <= MAX_KEPT
          && keptBytes <= MAX_KEPT_BYTES
          && !oldest.endedAt.isBefore(cutoff)) {
        return;
      }
      Entry evicted = tasks.remove(ended.pollFirst());
      if (evicted != null && evicted.result != null) {
        keptBytes -= evicted.result.getSerializedSize();
      }
    }
  }

  private static TaskEvent startedEvent(Instant at) {
    return TaskEvent.newBuilder()
        .setStarted(TaskStarted.newBuilder().setStartedAt(ProtoTime.timestamp(at)))
        .build();
  }
}
