package io.distexec.master.jobs;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A job as the master knows it: immutable; every change makes a new value through one of the {@code
 * with}/transition methods.
 *
 * @param id unique id
 * @param spec what to run
 * @param retry when it runs again
 * @param status where it is in its life
 * @param workerId worker of the current or last attempt, or {@code null}
 * @param attempt number of the current or last attempt (0 before the first dispatch)
 * @param createdAt when it was accepted
 * @param startedAt when its task started on a worker, or {@code null}
 * @param finishedAt when it reached a terminal state, or {@code null}
 * @param outcome what the task produced, once terminal
 * @param owner name of the caller that submitted it, or {@code null} for jobs stored before callers
 *     were authenticated
 */
public record Job(
    String id,
    JobSpec spec,
    RetryPolicy retry,
    JobStatus status,
    String workerId,
    int attempt,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    JobOutcome outcome,
    String owner) {

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    retry = retry == null ? RetryPolicy.NONE : retry;
    outcome = outcome == null ? JobOutcome.NONE : outcome;
  }

  public static Job queued(String id, JobSpec spec, Instant now) {
    return queued(id, spec, RetryPolicy.NONE, now);
  }

  public static Job queued(String id, JobSpec spec, RetryPolicy retry, Instant now) {
    return queued(id, spec, retry, now, null);
  }

  public static Job queued(String id, JobSpec spec, RetryPolicy retry, Instant now, String owner) {
    return new Job(
        id, spec, retry, JobStatus.QUEUED, null, 0, now, null, null, JobOutcome.NONE, owner);
  }

  /** Sent to a worker as the next attempt; what an earlier attempt left is cleared. */
  public Job dispatchedTo(String worker) {
    return move(JobStatus.DISPATCHED, worker, attempt + 1, null, null, JobOutcome.NONE);
  }

  /** Back to the queue for another attempt, saying why in the outcome (and so in the history). */
  public Job retried(String reason) {
    return move(JobStatus.QUEUED, null, attempt, null, null, JobOutcome.error(reason));
  }

  /**
   * Back to the queue: the worker refused the task before it started; the attempt does not count.
   */
  public Job requeued() {
    return move(JobStatus.QUEUED, null, attempt - 1, null, null, outcome);
  }

  public Job running(Instant at) {
    return move(JobStatus.RUNNING, workerId, attempt, at, null, outcome);
  }

  /**
   * Ended. Its environment values and stdin are erased: they may be secrets, and nothing needs them
   * once no attempt can follow.
   */
  public Job finished(JobStatus terminal, JobOutcome result, Instant at) {
    if (!terminal.isTerminal()) {
      throw new IllegalArgumentException(terminal + " is not a terminal state");
    }
    Job ended = move(terminal, workerId, attempt, startedAt, at, result);
    return new Job(
        id,
        spec.withoutSecrets(),
        retry,
        ended.status,
        ended.workerId,
        ended.attempt,
        createdAt,
        ended.startedAt,
        ended.finishedAt,
        ended.outcome,
        owner);
  }

  private Job move(
      JobStatus next,
      String worker,
      int nextAttempt,
      Instant started,
      Instant finished,
      JobOutcome out) {
    if (!status.canMoveTo(next)) {
      throw new IllegalStateException("job " + id + " cannot move from " + status + " to " + next);
    }
    return new Job(
        id, spec, retry, next, worker, nextAttempt, createdAt, started, finished, out, owner);
  }

  /** The job as a listing shows it: its outcome without the kept output. */
  public Job withoutOutput() {
    return new Job(
        id,
        spec,
        retry,
        status,
        workerId,
        attempt,
        createdAt,
        startedAt,
        finishedAt,
        outcome.withoutOutput(),
        owner);
  }

  public OptionalInt exitCode() {
    return outcome.exitCode();
  }
}
