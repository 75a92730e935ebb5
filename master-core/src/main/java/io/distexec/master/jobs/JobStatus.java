package io.distexec.master.jobs;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a job is in its life. Jobs only move forward, along the transitions {@link #canMoveTo}
 * allows; a report that would move a job backwards (a late message from a stale attempt) is
 * refused.
 */
public enum JobStatus {
  QUEUED,
  DISPATCHED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  CANCELLED,
  LOST;

  private static final Set<JobStatus> TERMINAL =
      EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, LOST);

  public boolean isTerminal() {
    return TERMINAL.contains(this);
  }

  /** The lifecycle: QUEUED → DISPATCHED → RUNNING → terminal, with shortcuts for failures. */
  public boolean canMoveTo(JobStatus next) {
    return switch (this) {
      // CANCELLED straight from the queue; FAILED when no worker can ever take it.
      case QUEUED -> next == DISPATCHED || next == CANCELLED || next == FAILED;
      // Back to QUEUED when the worker refused the task before starting it (busy, draining).
      case DISPATCHED -> next == QUEUED || next == RUNNING || next.isTerminal();
      // Back to QUEUED for another attempt (its worker died, or a retryable exit code).
      case RUNNING -> next == QUEUED || next.isTerminal();
      default -> false;
    };
  }
}
