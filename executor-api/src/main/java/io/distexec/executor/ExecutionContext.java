package io.distexec.executor;

/**
 * What an executor is told while it runs a task: whether it has been cancelled, and where its
 * output goes while it runs. Executors must stop promptly once cancelled and return a {@link
 * Outcome#CANCELLED} result.
 */
public interface ExecutionContext {

  /** Where to send output while the task runs; chunks are also kept in the result (capped). */
  default OutputSink output() {
    return OutputSink.DISCARD;
  }

  /** True once the task has been cancelled. */
  boolean isCancelled();

  /** Why the task was cancelled, or an empty string. */
  String cancelReason();

  /**
   * Registers an action to run once when the task is cancelled; it runs at once if the task is
   * already cancelled. Actions run on the thread that cancels and must not block for long.
   */
  void onCancel(Runnable action);
}
