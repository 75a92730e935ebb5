package io.distexec.executor.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;

/**
 * The process ids Linux handed out since a task's leader started, so that the search for the task's
 * processes reads /proc/PID/stat only for those instead of for every process on the machine (a scan
 * of the whole table cost a worker 1.2 ms per task).
 *
 * <p>Why that is enough: everything in the leader's session was forked after the leader, and the
 * kernel hands out ids in increasing order, wrapping around at {@code pid_max}. Reading the last id
 * it handed out ({@code /proc/sys/kernel/ns_last_pid}) now and then tells where the counter is and
 * whether it wrapped: the window is (leader, last], or after one wrap (leader, pid_max) and [0,
 * last]. Once the counter has come round past the leader again, or where the file cannot be read,
 * every id is in the window. The command executor looks every 100 ms; going all the way round
 * between two looks would take a few hundred thousand forks a second.
 */
final class PidWindow {

  private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

  private final long leader;
  private final LongSupplier lastPid;
  private long last;
  private int wraps;
  private boolean everything;

  /**
   * @param lastPid the last id handed out, or -1 when that cannot be known
   */
  PidWindow(long leader, LongSupplier lastPid) {
    this.leader = leader;
    this.lastPid = lastPid;
    this.last = leader;
    observe();
  }

  /** A window from {@code leader} on, kept with this machine's /proc. */
  static PidWindow since(long leader) {
    return new PidWindow(leader, PidWindow::readLastPid);
  }

  /** Notes where the counter is now; call it often enough not to miss a whole round. */
  synchronized void observe() {
    if (everything) {
      return;
    }
    long now = lastPid.getAsLong();
    if (now < 0) {
      everything = true;
      return;
    }
    if (now < last) {
      wraps++;
    }
    last = now;
    // Once wrapped, the counter passing the leader again means ids below it are reused.
    everything = wraps > 1 || (wraps == 1 && last >= leader);
  }

  /** Whether {@code pid} may belong to a process forked since the leader started. */
  synchronized boolean mayHold(long pid) {
    if (everything) {
      return true;
    }
    return wraps == 0 ? pid > leader && pid <= last : pid > leader || pid <= last;
  }

  /**
   * The ids in the window when there are at most {@code limit} of them: trying each is cheaper than
   * listing /proc when few processes started since the leader (the usual case for a short task).
   */
  synchronized Optional<long[]> fewIds(int limit) {
    if (everything || wraps != 0 || last - leader > limit) {
      return Optional.empty();
    }
    return Optional.of(LongStream.rangeClosed(leader + 1, last).toArray());
  }

  private static long readLastPid() {
    try {
      return Long.parseLong(Files.readString(LAST_PID).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
