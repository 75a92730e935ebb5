package io.distexec.executor;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a task's processes used.
 *
 * @param cpuTime user + system CPU time of the task's processes, when measured
 * @param peakRssBytes the largest resident memory of the task's processes together, when measured
 * @param processesKilled processes that had to be signalled to end the task (timeout, cancel, or
 *     left behind when the command exited)
 */
public record ResourceUsage(
    Optional<Duration> cpuTime, OptionalLong peakRssBytes, int processesKilled) {

  public static final ResourceUsage UNKNOWN =
      new ResourceUsage(Optional.empty(), OptionalLong.empty(), 0);

  public ResourceUsage {
    cpuTime = cpuTime == null ? Optional.empty() : cpuTime;
    peakRssBytes = peakRssBytes == null ? OptionalLong.empty() : peakRssBytes;
  }
}
