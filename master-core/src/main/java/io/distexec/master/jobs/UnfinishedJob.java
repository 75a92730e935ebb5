package io.distexec.master.jobs;

/**
 * What recovery reads of an unfinished job at start, and no more: however large a stored job is, a
 * master that restarts holds only these few fields of each, so no row can exhaust its memory.
 *
 * @param id the job
 * @param status QUEUED, DISPATCHED or RUNNING
 * @param workerId worker of its current attempt, or {@code null}
 * @param attempt number of its current attempt
 */
public record UnfinishedJob(String id, JobStatus status, String workerId, int attempt) {

  public static UnfinishedJob of(Job job) {
    return new UnfinishedJob(job.id(), job.status(), job.workerId(), job.attempt());
  }
}
