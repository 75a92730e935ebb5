package io.distexec.executor.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a task's process in a session (and process group) of its own and ends that whole group:
 * SIGTERM first, SIGKILL after a grace period. A process group catches what a plain parent/child
 * walk misses: children re-parented to init after their parent exited, such as {@code sh -c 'sleep
 * 300 &'}. Where {@code setsid} or {@code /proc} are missing (not Linux) it falls back to the
 * parent/child tree.
 */
final class ProcessTree {

  private static final Optional<Path> SETSID = findSetsid();
  private static final Duration POLL = Duration.ofMillis(10);

  private ProcessTree() {}

  private static Optional<Path> findSetsid() {
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return Optional.empty();
    }
    return List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")).stream()
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Whether there is a {@code setsid} program to start tasks in sessions of their own with. */
  static boolean setsidFound() {
    return SETSID.isPresent();
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
   * @param window where the group's members can be (the ids handed out since the leader started)
   * @param sessions whether the leader was started as the leader of a session of its own
   * @return how many processes were signalled
   */
  static int kill(ProcessHandle leader, PidWindow window, Duration grace, boolean sessions) {
    Map<Long, ProcessHandle> targets = members(leader, window, sessions);
    if (targets.isEmpty()) {
      return 0;
    }
    targets.values().forEach(ProcessHandle::destroy);
    try {
      if (!awaitGone(targets.values(), grace)) {
        forceKill(leader, window, targets, sessions);
      }
    } catch (InterruptedException e) {
      forceKill(leader, window, targets, sessions);
      Thread.currentThread().interrupt();
    }
    return targets.size();
  }

  /**
   * Polls until every process is gone. {@link ProcessHandle#onExit()} is no use here: for processes
   * that are not our children the JDK polls with a backoff that takes seconds to notice an exit.
   */
  private static boolean awaitGone(Collection<ProcessHandle> processes, Duration grace)
      throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    while (processes.stream().anyMatch(ProcStat::running)) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(POLL.toMillis());
    }
    return true;
  }

  private static void forceKill(
      ProcessHandle leader, PidWindow window, Map<Long, ProcessHandle> targets, boolean sessions) {
    // Signal again whatever is alive, including processes forked since the first look.
    targets.putAll(members(leader, window, sessions));
    targets.values().stream().filter(ProcStat::running).forEach(ProcessHandle::destroyForcibly);
  }

  /** Live processes of the leader's group (or tree), leader first. */
  private static Map<Long, ProcessHandle> members(
      ProcessHandle leader, PidWindow window, boolean sessions) {
    Map<Long, ProcessHandle> found = new LinkedHashMap<>();
    if (ProcStat.running(leader)) {
      found.put(leader.pid(), leader);
      // Each walk reads the whole process table; a dead leader has no descendants left (they were
      // reparented), and its session's members are found by the group scan below.
      leader.descendants().filter(ProcStat::running).forEach(p -> found.put(p.pid(), p));
    } else if (!sessions) {
      leader.descendants().filter(ProcStat::running).forEach(p -> found.put(p.pid(), p));
    }
    if (sessions) {
      for (long pid : ProcStat.groupMembers(leader.pid(), window)) {
        ProcessHandle.of(pid).filter(ProcStat::running).ifPresent(p -> found.put(pid, p));
      }
    }
    return found;
  }
}
