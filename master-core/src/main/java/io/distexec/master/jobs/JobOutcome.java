package io.distexec.master.jobs;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a finished task produced.
 *
 * @param exitCode process exit code, when a process exited
 * @param stdout captured standard output (up to the worker's cap)
 * @param stderr captured standard error (up to the worker's cap)
 * @param truncated true when output was cut to the cap
 * @param error why the job did not succeed; empty on success
 * @param stdoutBytes every byte written to stdout, kept or not
 * @param stderrBytes every byte written to stderr, kept or not
 * @param cpuTimeMillis CPU time of the task's processes, when measured
 * @param peakRssBytes peak resident memory of the task's processes together, when measured
 * @param processesKilled processes signalled to end the task
 * @param wallTimeMillis how long the task ran on its worker, when it ran
 */
public record JobOutcome(
    OptionalInt exitCode,
    byte[] stdout,
    byte[] stderr,
    boolean truncated,
    String error,
    long stdoutBytes,
    long stderrBytes,
    OptionalLong cpuTimeMillis,
    OptionalLong peakRssBytes,
    int processesKilled,
    OptionalLong wallTimeMillis) {

  public static final JobOutcome NONE = error("");

  public JobOutcome {
    exitCode = exitCode == null ? OptionalInt.empty() : exitCode;
    stdout = stdout == null ? new byte[0] : stdout;
    stderr = stderr == null ? new byte[0] : stderr;
    error = error == null ? "" : error;
    cpuTimeMillis = cpuTimeMillis == null ? OptionalLong.empty() : cpuTimeMillis;
    peakRssBytes = peakRssBytes == null ? OptionalLong.empty() : peakRssBytes;
    wallTimeMillis = wallTimeMillis == null ? OptionalLong.empty() : wallTimeMillis;
  }

  /** The same outcome without the kept output (listings); the byte counts stay. */
  public JobOutcome withoutOutput() {
    return new JobOutcome(
        exitCode,
        null,
        null,
        truncated,
        error,
        stdoutBytes,
        stderrBytes,
        cpuTimeMillis,
        peakRssBytes,
        processesKilled,
        wallTimeMillis);
  }

  /** No process result, only a reason (lost, refused, cancelled while queued). */
  public static JobOutcome error(String error) {
    return new JobOutcome(OptionalInt.empty(), null, null, false, error, 0, 0, null, null, 0, null);
  }

  /** A process result with output and no usage figures (tests, simple executors). */
  public static JobOutcome of(int exitCode, byte[] stdout, String error) {
    return new JobOutcome(
        OptionalInt.of(exitCode),
        stdout,
        null,
        false,
        error,
        stdout.length,
        0,
        null,
        null,
        0,
        null);
  }
}
