package io.distexec.master.jobs;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a job runs again: after its worker died, or after it exited with one of {@code
 * retryOnExitCodes}, while attempts remain. Retries wait 1 s, 2 s, 4 s, ... (at most {@link
 * #MAX_BACKOFF}) so that a failing dependency is not hammered.
 *
 * @param maxAttempts how many times the job may run in all (1 = no retry)
 * @param retryOnExitCodes exit codes that mean "try again"
 */
public record RetryPolicy(int maxAttempts, Set<Integer> retryOnExitCodes) {

  public static final int MAX_ATTEMPTS = 10;
  public static final RetryPolicy NONE = new RetryPolicy(1, Set.of());
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  public RetryPolicy {
    retryOnExitCodes = Set.copyOf(retryOnExitCodes == null ? Set.of() : retryOnExitCodes);
  }

  /** Whether attempt number {@code attempt} may be followed by another. */
  public boolean allowsAnotherAfter(int attempt) {
    return attempt < maxAttempts;
  }

  public boolean retriesExitCode(int exitCode) {
    return retryOnExitCodes.contains(exitCode);
  }

  /** How long to wait before the attempt after {@code attempt}. */
  public Duration backoffAfter(int attempt) {
    long seconds = FIRST_BACKOFF.toSeconds() << Math.min(Math.max(attempt - 1, 0), 10);
    return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
  }

  /** A stable text form, for idempotency fingerprints. */
  String canonical() {
    return maxAttempts + ":" + new TreeSet<>(retryOnExitCodes);
  }
}
