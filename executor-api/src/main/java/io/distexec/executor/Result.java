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
 * @param error why it did not succeed, in words a user can act on; empty on success
 * @param startedAt when the task started
 * @param finishedAt when it ended
 * @param usage what its processes used
 */
public record Result(
    Outcome outcome,
    OptionalInt exitCode,
    Captured stdout,
    Captured stderr,
    String error,
    Instant startedAt,
    Instant finishedAt,
    ResourceUsage usage) {

  public Result {
    Objects.requireNonNull(outcome, "outcome");
    exitCode = exitCode == null ? OptionalInt.empty() : exitCode;
    stdout = stdout == null ? Captured.EMPTY : stdout;
    stderr = stderr == null ? Captured.EMPTY : stderr;
    error = error == null ? "" : error;
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    usage = usage == null ? ResourceUsage.UNKNOWN : usage;
  }

  /** A task that failed before any process ran (bad input, refused, executor missing). */
  public static Result failedToStart(String error, OptionalInt exitCode) {
    Instant now = Instant.now();
    return new Result(Outcome.FAILED, exitCode, null, null, error, now, now, null);
  }

  /** A task that was cancelled before any process ran. */
  public static Result cancelledBeforeStart(String reason) {
    Instant now = Instant.now();
    return new Result(Outcome.CANCELLED, OptionalInt.empty(), null, null, reason, now, now, null);
  }

  public Duration wallTime() {
    return Duration.between(startedAt, finishedAt);
  }

  /** True when either stream was cut to the cap. */
  public boolean truncated() {
    return stdout.truncated() || stderr.truncated();
  }
}
