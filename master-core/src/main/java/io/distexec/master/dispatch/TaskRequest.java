package io.distexec.master.dispatch;

import io.distexec.master.jobs.JobSpec;
import java.time.Duration;
import java.util.Optional;

/**
 * One attempt of a job as a worker receives it.
 *
 * @param taskId the worker's name for the attempt ({@link #taskId(String, int)})
 * @param jobId the job
 * @param attempt the attempt's number, from 1
 * @param spec what to run
 * @param deadline how long the master waits for the call, or empty for as long as it runs
 */
public record TaskRequest(
    String taskId, String jobId, int attempt, JobSpec spec, Optional<Duration> deadline) {

  /** Extra time past a task's own timeout before the master gives up on the call. */
  public static final Duration CALL_MARGIN = Duration.ofMinutes(1);

  /**
   * The request for attempt {@code attempt} of a job: a deadline only when the job has a timeout.
   */
  public static TaskRequest of(String jobId, int attempt, JobSpec spec) {
    Optional<Duration> deadline =
        spec.timeoutSeconds() > 0
            ? Optional.of(Duration.ofSeconds(spec.timeoutSeconds()).plus(CALL_MARGIN))
            : Optional.empty();
    return new TaskRequest(taskId(jobId, attempt), jobId, attempt, spec, deadline);
  }

  /** The worker's name for an attempt of a job. */
  public static String taskId(String jobId, int attempt) {
    return jobId + "#" + attempt;
  }
}
