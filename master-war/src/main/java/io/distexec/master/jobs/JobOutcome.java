package io.distexec.master.jobs;

import java.util.OptionalInt;

/**
 * What a finished task produced.
 *
 * @param exitCode process exit code, when a process exited
 * @param stdout captured standard output (up to the worker's cap)
 * @param stderr captured standard error (up to the worker's cap)
 * @param truncated true when output was cut to the cap
 * @param error why the job did not succeed; empty on success
 */
public record JobOutcome(OptionalInt exitCode, byte[] stdout, byte[] stderr, boolean truncated, String error) {

  public static final JobOutcome NONE = new JobOutcome(OptionalInt.empty(), new byte[0], new byte[0], false, "");

  public JobOutcome {
    exitCode = exitCode == null ? OptionalInt.empty() : exitCode;
    stdout = stdout == null ? new byte[0] : stdout;
    stderr = stderr == null ? new byte[0] : stderr;
    error = error == null ? "" : error;
  }

  /** No process result, only a reason (lost, refused, cancelled while queued). */
  public static JobOutcome error(String error) {
    return new JobOutcome(OptionalInt.empty(), null, null, false, error);
  }
}
