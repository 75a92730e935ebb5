package io.distexec.master.jobs;

/** An idempotency key was used before for a different request. */
public final class IdempotencyConflictException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String jobId;

  public IdempotencyConflictException(String key, String jobId) {
    super(
        "Idempotency-Key '"
            + key
            + "' was used for a different request (job "
            + jobId
            + "); use a new key for a new request");
    this.jobId = jobId;
  }

  public String jobId() {
    return jobId;
  }
}
