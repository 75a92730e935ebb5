package io.distexec.executor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** What a worker offers the executors it creates. */
public interface ExecutorEnvironment {

  /**
   * The worker's command executor, configured with its output cap, base environment and command
   * policy. Executors that run programs should run them through it: they then get process-group
   * kills, output caps, streaming, usage figures and the policy for free.
   */
  Executor commandExecutor();

  /** Threads for short background work (the worker's managed executor). */
  java.util.concurrent.Executor ioThreads();

  /** Bytes of output to keep per stream and task. */
  int outputCapBytes();

  /**
   * Gives a file this executor wrote for a task (a script, say) to the user tasks run as, so that
   * the task can read it and other users cannot: a worker running as root runs tasks as its
   * TASK_USER. Does nothing when tasks run as the worker's own user.
   *
   * @throws IOException when the file's owner cannot be changed
   */
  default void handToTaskUser(Path file) throws IOException {}

  /**
   * A worker setting by name (MicroProfile Config: environment variables work), for plugin options.
   */
  Optional<String> setting(String name);
}
