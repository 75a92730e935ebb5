package io.distexec.executor;

/** How a task ended. */
public enum Outcome {
  /** Ran to completion with exit code 0. */
  SUCCEEDED,
  /** Ran with a non-zero exit code, or could not be started. */
  FAILED,
  /** Killed when its timeout passed. */
  TIMED_OUT,
  /** Killed because it was cancelled. */
  CANCELLED
}
