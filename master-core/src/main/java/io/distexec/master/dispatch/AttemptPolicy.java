package io.distexec.master.dispatch;

import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What an attempt's event means for its job: start it, finish it, retry it after a backoff, put it
 * back in the queue, or nothing. A pure function of the event, the attempt, the job as stored and
 * nothing else, so every rule is a row in a table test.
 */
public final class AttemptPolicy {

  private AttemptPolicy() {}

  /**
   * The facts about an attempt the decision depends on.
   *
   * @param workerId its worker
   * @param number its number
   * @param started the worker confirmed the start
   * @param finished a result was seen already
   * @param lostReason why the master gave up on the worker, or {@code null}
   * @param cancelled a user asked to cancel the job
   */
  public record Facts(
      String workerId,
      int number,
      boolean started,
      boolean finished,
      String lostReason,
      boolean cancelled) {}

  /** What to do with the job. */
  public sealed interface Decision {
    /** Record that the task runs. */
    record Start(Instant at) implements Decision {}

    /** End the job in {@code status}. */
    record Finish(JobStatus status, JobOutcome outcome) implements Decision {}

    /** Back to the queue after {@code backoff}; {@code reason} goes into the job's history. */
    record Retry(String reason, Duration backoff) implements Decision {}

    /**
     * Back to the front of the queue at once: the worker never started it; the attempt does not
     * count.
     */
    record Requeue(String reason) implements Decision {}

    /** Nothing to change. */
    record Nothing(String reason) implements Decision {}
  }

  /**
   * Decides on one event of an attempt.
   *
   * @param stored reads the job as stored now (empty when it is gone); called only when the
   *     decision depends on it, so a start costs no read
   */
  public static Decision decide(AttemptEvent event, Facts attempt, Supplier<Optional<Job>> stored) {
    // An if-chain rather than a pattern switch: the build targets Java 17.
    if (event instanceof AttemptEvent.Started started) {
      return new Decision.Start(started.at());
    }
    if (event instanceof AttemptEvent.Finished finished) {
      return finished(finished, attempt, stored.get());
    }
    if (event instanceof AttemptEvent.Failed failed) {
      return failed(failed, attempt, stored);
    }
    if (event instanceof AttemptEvent.Closed) {
      return attempt.finished()
          ? new Decision.Nothing("already finished")
          : new Decision.Finish(
              JobStatus.LOST,
              JobOutcome.error(
                  "worker " + attempt.workerId() + " ended the task without a result"));
    }
    return new Decision.Nothing("output is not a change of state");
  }

  private static Decision finished(AttemptEvent.Finished result, Facts attempt, Optional<Job> job) {
    if (result.status() == JobStatus.FAILED
        && result.outcome().exitCode().isPresent()
        && job.isPresent()) {
      int code = result.outcome().exitCode().getAsInt();
      RetryPolicy retry = job.get().retry();
      if (retry.retriesExitCode(code) && retry.allowsAnotherAfter(attempt.number())) {
        return retry(
            retry, attempt.number(), "attempt " + attempt.number() + " exited with code " + code);
      }
    }
    return new Decision.Finish(result.status(), result.outcome());
  }

  private static Decision failed(
      AttemptEvent.Failed failure, Facts attempt, Supplier<Optional<Job>> stored) {
    if (attempt.finished()) {
      return new Decision.Nothing("the call ended after its result");
    }
    if (failure.kind() == AttemptEvent.Failure.REFUSED
        && !attempt.started()
        && attempt.lostReason() == null) {
      return new Decision.Requeue(
          "worker " + attempt.workerId() + " refused it (" + failure.detail() + ")");
    }
    if (failure.kind() == AttemptEvent.Failure.INVALID) {
      return new Decision.Finish(JobStatus.FAILED, JobOutcome.error(failure.description()));
    }
    return lost(
        attempt,
        stored.get(),
        attempt.lostReason() != null
            ? attempt.lostReason()
            : "lost contact with worker " + attempt.workerId() + ": " + failure.detail());
  }

  /**
   * An attempt from before a master restart that its worker cannot finish: one that never started
   * goes back to the queue (the attempt does not count); a started one is lost.
   */
  public static Decision afterRestart(Facts attempt, Optional<Job> job, String reason) {
    if (job.isEmpty() || job.get().status().isTerminal()) {
      return new Decision.Nothing("ended meanwhile");
    }
    if (job.get().status() == JobStatus.DISPATCHED) {
      return new Decision.Requeue(reason);
    }
    return lost(attempt, job, reason);
  }

  /**
   * The attempt is lost: the job runs again after the policy's backoff while attempts remain (and
   * nobody asked to cancel it), otherwise it ends LOST with the reason.
   */
  static Decision lost(Facts attempt, Optional<Job> job, String reason) {
    if (!attempt.cancelled()
        && job.isPresent()
        && job.get().retry().allowsAnotherAfter(attempt.number())) {
      return retry(
          job.get().retry(), attempt.number(), "attempt " + attempt.number() + " lost: " + reason);
    }
    String message =
        attempt.number() > 1
            ? reason + " (attempt " + attempt.number() + ", the last allowed)"
            : reason;
    return new Decision.Finish(JobStatus.LOST, JobOutcome.error(message));
  }

  private static Decision retry(RetryPolicy policy, int attempt, String why) {
    Duration backoff = policy.backoffAfter(attempt);
    return new Decision.Retry(why + "; retrying in " + backoff.toSeconds() + " s", backoff);
  }

  /** Whether the event means the worker should get no work until its next heartbeat. */
  public static boolean benchesWorker(AttemptEvent event) {
    return event instanceof AttemptEvent.Failed f && f.kind() == AttemptEvent.Failure.REFUSED;
  }
}
