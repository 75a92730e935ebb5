package io.distexec.executor;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The outcome of a task.
 *
 * @param outcome how it ended
 * @param exitCode the process exit code, empty when no process ran to an exit
 * @param stdout captured standard output, up to the executor's cap
 * @param stderr captured standard error, up to the executor's cap
 * @param truncated true when either stream was longer than the cap
 * @param error why it did not succeed, in words a user can act on; empty on success
 * @param startedAt when the task started
 * @param finishedAt when it ended
 */
public record Result(
    Outcome outcome,
    OptionalInt exitCode,
    byte[] stdout,
    byte[] stderr,
    boolean truncated,
    String error,
    Instant startedAt,
    Instant finishedAt) {

  public Result {
    Objects.requireNonNull(outcome, "outcome");
    exitCode = exitCode == null ? OptionalInt.empty() : exitCode;
    stdout = stdout == null ? new byte[0] : stdout;
    stderr = stderr == null ? new byte[0] : stderr;
    error = error == null ? "" : error;
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
  }

  /** A task that failed before any process ran (bad input, refused, executor missing). */
  public static Result failedToStart(String error, OptionalInt exitCode) {
    Instant now = Instant.now();
    return new Result(Outcome.FAILED, exitCode, null, null, false, error, now, now);
  }

  public Duration wallTime() {
    return Duration.between(startedAt, finishedAt);
  }
}
