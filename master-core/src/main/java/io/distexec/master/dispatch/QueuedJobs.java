package io.distexec.master.dispatch;

import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.UnreadableJobException;
import io.distexec.master.scheduling.JobQueue;
import java.util.Optional;
import java.util.logging.Logger;

/** Reads queued jobs for the dispatch loop: one at a time, and the types of recovered ones. */
final class QueuedJobs {

  private static final Logger LOG = Logger.getLogger(QueuedJobs.class.getName());

  private final JobStore store;
  private final JobQueue queue;

  QueuedJobs(JobStore store, JobQueue queue) {
    this.store = store;
    this.queue = queue;
  }

  /**
   * A queued job as stored; empty when it is gone, or when it cannot be read: such a job is ended
   * FAILED with the reason, and the queue goes on (one bad row must not stop every job).
   */
  Optional<Job> read(String jobId) {
    try {
      return store.find(jobId);
    } catch (UnreadableJobException e) {
      LOG.severe(e.getMessage() + "; it ends FAILED");
      store.failUnreadable(jobId, e.getMessage());
      queue.release(jobId); // ended now, or by someone else before
      return Optional.empty();
    }
  }

  /**
   * Reads the type of up to {@code batch} jobs recovered at start and moves each to its type's
   * lane; a job that is no longer queued leaves the queue.
   *
   * @return true: the loop made progress
   */
  boolean learnTypes(int batch) {
    for (String jobId : queue.lane(JobQueue.UNKNOWN_TYPE, batch)) {
      Optional<Job> job = read(jobId);
      if (job.isEmpty() || job.get().status() != JobStatus.QUEUED) {
        queue.remove(jobId);
        if (job.isEmpty() || job.get().status().isTerminal()) {
          queue.release(jobId); // cancelled (through another master) or forgotten meanwhile
        }
      } else {
        queue.typeOf(jobId, job.get().spec().type());
      }
    }
    return true;
  }
}
