package io.distexec.executor.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a task's process in a session (and process group) of its own and ends that whole group:
 * SIGTERM first, SIGKILL after a grace period. A process group catches what a plain parent/child
 * walk misses: children re-parented to init after their parent exited, such as
 * {@code sh -c 'sleep 300 &'}. Where {@code setsid} or {@code /proc} are missing (not Linux) it
 * falls back to the parent/child tree.
 */
final class ProcessTree {

  private static final Optional<Path> SETSID = findSetsid();

  private ProcessTree() {}

  private static Optional<Path> findSetsid() {
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return Optional.empty();
    }
    return List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")).stream()
        .filter(Files::isExecutable).findFirst();
  }

  /** The argv that starts {@code argv} as the leader of a new session, when that is possible. */
  static List<String> inOwnSession(List<String> argv) {
    if (SETSID.isEmpty()) {
      return argv;
    }
    List<String> wrapped = new ArrayList<>(argv.size() + 1);
    wrapped.add(SETSID.get().toString());
    wrapped.addAll(argv);
    return wrapped;
  }

  /**
   * Ends the group led by {@code leader} (or its tree, without sessions), including processes the
   * leader left behind after it exited.
   *
   * @return how many processes were signalled
   */
  static int kill(ProcessHandle leader, Duration grace) {
    Map<Long, ProcessHandle> targets = members(leader);
    if (targets.isEmpty()) {
      return 0;
    }
    targets.values().forEach(ProcessHandle::destroy);
    CompletableFuture<?> allGone = CompletableFuture.allOf(
        targets.values().stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new));
    try {
      allGone.get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      forceKill(leader, targets);
    } catch (InterruptedException e) {
      forceKill(leader, targets);
      Thread.currentThread().interrupt();
    }
    return targets.size();
  }

  private static void forceKill(ProcessHandle leader, Map<Long, ProcessHandle> targets) {
    // Signal again whatever is alive, including processes forked since the first look.
    targets.putAll(members(leader));
    targets.values().stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** Live processes of the leader's group (or tree), leader first. */
  private static Map<Long, ProcessHandle> members(ProcessHandle leader) {
    Map<Long, ProcessHandle> found = new LinkedHashMap<>();
    if (leader.isAlive()) {
      found.put(leader.pid(), leader);
    }
    leader.descendants().filter(ProcessHandle::isAlive).forEach(p -> found.put(p.pid(), p));
    if (SETSID.isPresent()) {
      long group = leader.pid();
      ProcessHandle.allProcesses()
          .filter(p -> p.isAlive() && processGroupOf(p.pid()) == group)
          .forEach(p -> found.put(p.pid(), p));
    }
    return found;
  }

  /** The process group id from /proc/PID/stat, or -1 when the process is gone. */
  static long processGroupOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces:
      // state ppid pgrp ...
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
