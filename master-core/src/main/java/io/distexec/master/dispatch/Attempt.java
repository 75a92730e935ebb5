package io.distexec.master.dispatch;

/**
 * One dispatch of a job to a worker, as the master follows it. Identity ({@code jobId}, {@code
 * workerId}, {@code number}) never changes; the rest is what the master has learnt so far, written
 * by the attempt's own event thread and read by others.
 */
final class Attempt {

  final String jobId;
  final String workerId;
  final int number;
  volatile WorkerPort.Call call;

  /** The leadership term of this master it belongs to (see {@link AttemptBook#live}). */
  volatile long generation;

  /** Set once the worker confirmed the start. */
  volatile boolean started;

  /**
   * Set once a result (or a terminal decision) was seen: later failures of the call mean nothing.
   */
  volatile boolean finished;

  /**
   * Why the master gave up on the worker (it died), if it did; this is the reason the job ends
   * with.
   */
  volatile String lostReason;

  /** Why a user cancelled the job, if one did: a cancelled attempt is never retried. */
  volatile String cancelReason;

  Attempt(String jobId, String workerId, int number) {
    this.jobId = jobId;
    this.workerId = workerId;
    this.number = number;
  }

  String taskId() {
    return TaskRequest.taskId(jobId, number);
  }

  /** The facts the policy decides on, as a value. */
  AttemptPolicy.Facts facts() {
    return new AttemptPolicy.Facts(
        workerId, number, started, finished, lostReason, cancelReason != null);
  }
}
