package io.distexec.executor.command;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Measures a task's processes from /proc while it runs: the peak of their resident memory added
 * together, and their CPU time. Each sample adds, for the leader and every live descendant, its own
 * CPU time and that of the children it has waited for, so a child is counted while it runs and,
 * once reaped, through its parent, never twice in one sample. Sampling misses what happens in the
 * last interval before the leader exits, so figures are lower bounds for short tasks.
 */
final class UsageSampler {

  static final Duration INTERVAL = Duration.ofMillis(100);

  private final ProcessHandle leader;
  private final boolean enabled = ProcStat.available();
  private long peakRss = -1;
  private long maxCpuTicks = -1;
  private boolean first = true;

  UsageSampler(ProcessHandle leader) {
    this.leader = leader;
  }

  void sample() {
    if (!enabled) {
      return;
    }
    long rss = 0;
    long ticks = 0;
    boolean any = false;
    // The first sample, taken as the task starts, looks at the leader only: it has had no time to
    // fork, and a walk of the descendants reads the whole process table.
    Stream<ProcessHandle> tree =
        first ? Stream.of(leader) : Stream.concat(Stream.of(leader), leader.descendants());
    first = false;
    for (ProcessHandle p : (Iterable<ProcessHandle>) tree::iterator) {
      Optional<ProcStat> stat = ProcStat.read(p.pid());
      if (stat.isPresent()) {
        any = true;
        rss += stat.get().rssBytes();
        ticks += stat.get().cpuTicks();
      }
    }
    if (any) {
      peakRss = Math.max(peakRss, rss);
      maxCpuTicks = Math.max(maxCpuTicks, ticks);
    }
  }

  Optional<Duration> cpuTime() {
    return maxCpuTicks < 0
        ? Optional.empty()
        : Optional.of(Duration.ofMillis(maxCpuTicks * 1000 / ProcStat.TICKS_PER_SECOND));
  }

  OptionalLong peakRssBytes() {
    return peakRss < 0 ? OptionalLong.empty() : OptionalLong.of(peakRss);
  }
}
