package io.distexec.master.jobs;

import java.time.Instant;

/**
 * Which jobs to list, newest first.
 *
 * @param status only jobs in this state, or {@code null}
 * @param workerId only jobs whose current or last attempt ran there, or {@code null}
 * @param since only jobs created at or after this time, or {@code null}
 * @param limit at most this many
 * @param cursor where the previous page ended (opaque, from {@link Page#nextCursor()}), or {@code
 *     null}
 * @param owner only jobs submitted by this caller, or {@code null}
 */
public record JobQuery(
    JobStatus status, String workerId, Instant since, int limit, String cursor, String owner) {

  public JobQuery(JobStatus status, String workerId, Instant since, int limit, String cursor) {
    this(status, workerId, since, limit, cursor, null);
  }

  /** The same query, narrowed to one owner's jobs. */
  public JobQuery ownedBy(String name) {
    return new JobQuery(status, workerId, since, limit, cursor, name);
  }

  public static JobQuery first(JobStatus status, int limit) {
    return new JobQuery(status, null, null, limit, null);
  }

  public boolean matches(Job job) {
    return (status == null || job.status() == status)
        && (workerId == null || workerId.equals(job.workerId()))
        && (since == null || !job.createdAt().isBefore(since))
        && (owner == null || owner.equals(job.owner()));
  }
}
