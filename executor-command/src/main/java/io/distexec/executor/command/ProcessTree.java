package io.distexec.executor.command;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ends a task's process group: SIGTERM first, SIGKILL after a grace period. A process group catches
 * what a plain parent/child walk misses: children re-parented to init after their parent exited,
 * such as {@code sh -c 'sleep 300 &'}. A {@link SessionLauncher} starts the leader in a session
 * (and group) of its own; where it could not (no {@code setsid}, not Linux) this falls back to the
 * parent/child tree.
 */
final class ProcessTree {

  private static final Duration POLL = Duration.ofMillis(10);

  private ProcessTree() {}

  /**
   * Ends the group led by {@code leader} (or its tree, without sessions), including processes the
   * leader left behind after it exited.
   *
   * @param window where the group's members can be (the ids handed out since the leader started)
   * @param launcher what started the leader: whether it leads a session, and whether its group is
   *     empty
   * @return how many processes were signalled
   */
  static int kill(
      ProcessHandle leader, PidWindow window, Duration grace, SessionLauncher launcher) {
    boolean sessions = launcher.sessions();
    if (sessions && launcher.groupEmpty(leader.pid())) {
      return 0; // the leader is a member of its group: it is gone too
    }
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
