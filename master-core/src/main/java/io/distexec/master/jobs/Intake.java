package io.distexec.master.jobs;

import io.distexec.master.scheduling.JobQueue;

/**
 * Where a job goes once it is stored QUEUED, and who holds its permit (one of {@code
 * MAX_CONCURRENT_JOBS}). On the leading master: its queue, which the dispatcher works through. On a
 * standby: nowhere but the store, which announces the job to the leader (see {@code
 * leadership.Standby}).
 */
public interface Intake {

  /** Takes a permit for a new job; false when {@link #capacity()} jobs are unfinished. */
  boolean admit(String jobId);

  /** Gives back the permit of a job that was not stored, or that ended; again is a no-op. */
  void release(String jobId);

  /** The job is stored QUEUED: queue it, or leave it to the leader. */
  void queued(Job job);

  /** A queued job was cancelled: it leaves the queue and gives back its permit. */
  default void cancelled(String jobId) {
    release(jobId);
  }

  int capacity();

  /** The leading master's intake: its queue, and a wake-up for the dispatcher. */
  static Intake of(JobQueue queue, Runnable onQueued) {
    return new Intake() {
      @Override
      public boolean admit(String jobId) {
        return queue.admit(jobId);
      }

      @Override
      public void release(String jobId) {
        queue.release(jobId);
      }

      @Override
      public void queued(Job job) {
        queue.add(job.id(), job.spec().type());
        onQueued.run();
      }

      @Override
      public void cancelled(String jobId) {
        queue.remove(jobId);
        queue.release(jobId);
      }

      @Override
      public int capacity() {
        return queue.capacity();
      }
    };
  }
}
