package io.distexec.master.jobs;

/**
 * A stored job whose content cannot be read (a spec in no format this master knows, or larger than
 * any job it accepts): not a database outage, so trying again will not help; the job is ended
 * FAILED with the reason ({@link JobStore#failUnreadable}) and the master goes on.
 */
public final class UnreadableJobException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String jobId;

  public UnreadableJobException(String jobId, String message, Throwable cause) {
    super("job " + jobId + " cannot be read: " + message, cause);
    this.jobId = jobId;
  }

  public String jobId() {
    return jobId;
  }
}
