package io.distexec.worker.execution;

/** The worker will not start a task; {@link #reason()} says why, the message says what to do. */
public final class TaskRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a task was refused. */
  public enum Reason {
    /** All MAX_CONCURRENT_TASKS slots are taken. */
    BUSY,
    /** The worker is shutting down or draining. */
    DRAINING,
    /** A task with this id is running. */
    DUPLICATE,
    /** No executor has the task's type, or the executor rejected the task. */
    INVALID,
    /** The call comes from a master that no longer leads (an older term than the worker knows). */
    DEPOSED,
    /** The worker is registering with a master (see {@code TaskBook#taskIds}). */
    REGISTERING
  }

  private final Reason reason;

  public TaskRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
