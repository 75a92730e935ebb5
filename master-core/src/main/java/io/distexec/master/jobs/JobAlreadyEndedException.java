package io.distexec.master.jobs;

/** The job has reached its terminal state; it cannot be changed any more. */
public final class JobAlreadyEndedException extends Exception {

  private static final long serialVersionUID = 1L;

  public JobAlreadyEndedException(Job job) {
    super("job " + job.id() + " has already ended " + job.status());
  }
}
