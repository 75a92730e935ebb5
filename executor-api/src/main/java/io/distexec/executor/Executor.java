package io.distexec.executor;

/**
 * Runs tasks of one type. Implementations are registered with an {@link ExecutorRegistry} on the
 * worker (the built-in ones in code, plugins through {@link java.util.ServiceLoader}) and must be
 * safe to call from many threads at once.
 */
public interface Executor {

  /** The task type this executor runs, e.g. {@code "command"}; unique on a worker. */
  String name();

  /**
   * Checks a task before anything runs.
   *
   * @throws InvalidTaskException naming each field that must change
   */
  void validate(Task task) throws InvalidTaskException;

  /**
   * Runs a task to its end and returns how it ended. A task that cannot start (missing program,
   * refused by policy) is a {@link Outcome#FAILED} result, not an exception. The executor enforces
   * {@link Task#timeout()} and honours cancellation through the context.
   *
   * @throws InterruptedException if the calling thread is interrupted; the executor must have
   *     stopped everything it started before it throws
   */
  Result execute(Task task, ExecutionContext context) throws InterruptedException;

  /** Whether this executor can run tasks now; the worker reports it in its health. */
  default Health healthCheck() {
    return Health.up();
  }

  /** An executor's health. */
  record Health(boolean healthy, String detail) {
    public static Health up() {
      return new Health(true, "");
    }

    public static Health down(String detail) {
      return new Health(false, detail);
    }
  }
}
