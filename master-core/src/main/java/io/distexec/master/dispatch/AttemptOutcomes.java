package io.distexec.master.dispatch;

import io.distexec.master.dispatch.AttemptPolicy.Decision;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.scheduling.JobQueue;
import java.time.Clock;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Carries out the policy's decisions on the store and the queue, fenced: a decision about an
 * attempt changes the job only while that attempt is the job's current one.
 */
final class AttemptOutcomes {

  private static final Logger LOG = Logger.getLogger(AttemptOutcomes.class.getName());

  private final JobStore store;
  private final JobQueue queue;
  private final RetryTimer retries;
  private final Clock clock;

  AttemptOutcomes(JobStore store, JobQueue queue, RetryTimer retries, Clock clock) {
    this.store = store;
    this.queue = queue;
    this.retries = retries;
    this.clock = clock;
  }

  /** Applies a decision; true when it changed the job (or had nothing to change). */
  boolean carryOut(Attempt attempt, Decision decision) {
    if (decision instanceof Decision.Start start) {
      // A job followed again after a master restart may be RUNNING already.
      return apply(attempt, j -> j.status() == JobStatus.RUNNING ? j : j.running(start.at()))
          .isPresent();
    }
    if (decision instanceof Decision.Finish finish) {
      return apply(attempt, j -> j.finished(finish.status(), finish.outcome(), clock.instant()))
          .isPresent();
    }
    if (decision instanceof Decision.Retry retry) {
      Optional<Job> retried = apply(attempt, j -> j.retried(retry.reason()));
      retried.ifPresent(
          job -> {
            LOG.info(() -> "job " + job.id() + ": " + retry.reason());
            // The job keeps its permit meanwhile.
            retries.schedule(job.id(), job.spec().type(), retry.backoff());
          });
      return retried.isPresent();
    }
    if (decision instanceof Decision.Requeue requeue) {
      Optional<Job> requeued = apply(attempt, Job::requeued);
      requeued.ifPresent(
          job -> {
            LOG.info(() -> "job " + job.id() + " requeued: " + requeue.reason());
            queue.addFirst(job.id(), job.spec().type()); // it keeps its place at the front
          });
      return requeued.isPresent();
    }
    return true;
  }

  /**
   * Applies a change to the job if this attempt is still its current one; a report from an older
   * attempt (or one that would move the job backwards) is refused and logged.
   */
  private Optional<Job> apply(Attempt attempt, UnaryOperator<Job> change) {
    try {
      Optional<Job> updated =
          store.update(
              attempt.jobId,
              job -> {
                if (!AttemptBook.isCurrent(attempt, job.attempt(), job.workerId())) {
                  throw new IllegalStateException(
                      "stale report from attempt "
                          + attempt.number
                          + " on "
                          + attempt.workerId
                          + "; job is at attempt "
                          + job.attempt()
                          + " on "
                          + job.workerId());
                }
                return change.apply(job);
              });
      if (updated.isPresent() && updated.get().status().isTerminal()) {
        queue.release(attempt.jobId);
      }
      return updated;
    } catch (IllegalStateException e) {
      LOG.warning(() -> "refused report for job " + attempt.jobId + ": " + e.getMessage());
      return Optional.empty();
    }
  }
}
