package io.distexec.executor.command;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Starts a task's program as the leader of a session (and process group) of its own, so that {@link
 * ProcessTree} can end everything it leaves behind.
 */
interface SessionLauncher {

  /**
   * Starts {@code argv} in {@code workdir} with exactly {@code env}; its stdin, stdout and stderr
   * are pipes to the returned process's streams, and it inherits no other file descriptor.
   */
  Process start(List<String> argv, File workdir, Map<String, String> env) throws IOException;

  /** Whether the processes it starts lead sessions of their own. */
  boolean sessions();

  /** What the worker's log calls it. */
  String describe();

  /**
   * posix_spawn with its own session flag where the JDK has the FFM API (Java 22+ on Linux with
   * glibc), else the JDK's ProcessBuilder through {@code setsid}.
   */
  static SessionLauncher best() {
    return NativeSpawn.launcher().orElseGet(SetsidLauncher::new);
  }

  /** ProcessBuilder, with the program behind {@code /usr/bin/setsid} where there is one. */
  final class SetsidLauncher implements SessionLauncher {
    @Override
    public Process start(List<String> argv, File workdir, Map<String, String> env)
        throws IOException {
      ProcessBuilder builder =
          new ProcessBuilder(ProcessTree.inOwnSession(argv)).directory(workdir);
      builder.environment().clear();
      builder.environment().putAll(env);
      return builder.start();
    }

    @Override
    public boolean sessions() {
      return ProcessTree.setsidFound();
    }

    @Override
    public String describe() {
      return sessions() ? "ProcessBuilder through setsid" : "ProcessBuilder (no setsid found)";
    }
  }
}
