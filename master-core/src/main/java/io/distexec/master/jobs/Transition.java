package io.distexec.master.jobs;

import java.time.Instant;
import java.util.OptionalInt;

/**
 * One entry of a job's stored history: the job moved to {@code status}.
 *
 * @param at when the move was stored
 * @param status the state it moved to
 * @param workerId worker of the attempt, or {@code null}
 * @param attempt attempt number at the time
 * @param error why (retry, loss, failure), or empty
 * @param exitCode the task's exit code, when the move ended an attempt with one
 */
public record Transition(
    Instant at,
    JobStatus status,
    String workerId,
    int attempt,
    String error,
    OptionalInt exitCode) {

  public Transition {
    error = error == null ? "" : error;
    exitCode = exitCode == null ? OptionalInt.empty() : exitCode;
  }

  /** The move that left {@code job} in its current state. */
  public static Transition of(Job job, Instant at) {
    return new Transition(
        at, job.status(), job.workerId(), job.attempt(), job.outcome().error(), job.exitCode());
  }
}
