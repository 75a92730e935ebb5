package io.distexec.master.jobs;

/** MAX_CONCURRENT_JOBS jobs are queued or running: the job was not accepted; retry later. */
public final class QueueFullException extends Exception {

  private static final long serialVersionUID = 1L;

  public QueueFullException(int capacity) {
    super("the master holds " + capacity + " unfinished jobs (MAX_CONCURRENT_JOBS); retry later");
  }
}
