package io.distexec.executor.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

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

  /**
   * Whether the kernel says that no process is left in the group {@code pgid}; false when it cannot
   * tell. One system call, against a look at each process that may have been forked since the task
   * started: the check every task ends with, and nearly always the answer.
   */
  default boolean groupEmpty(long pgid) {
    return false;
  }

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
    private static final Optional<Path> SETSID = findSetsid();

    private static Optional<Path> findSetsid() {
      if (!Files.isDirectory(Path.of("/proc/self"))) {
        return Optional.empty();
      }
      return Stream.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"))
          .filter(Files::isExecutable)
          .findFirst();
    }

    @Override
    public Process start(List<String> argv, File workdir, Map<String, String> env)
        throws IOException {
      List<String> command = new ArrayList<>(argv.size() + 1);
      SETSID.ifPresent(setsid -> command.add(setsid.toString()));
      command.addAll(argv);
      ProcessBuilder builder = new ProcessBuilder(command).directory(workdir);
      builder.environment().clear();
      builder.environment().putAll(env);
      return builder.start();
    }

    @Override
    public boolean sessions() {
      return SETSID.isPresent();
    }

    @Override
    public String describe() {
      return sessions() ? "ProcessBuilder through setsid" : "ProcessBuilder (no setsid found)";
    }
  }
}
