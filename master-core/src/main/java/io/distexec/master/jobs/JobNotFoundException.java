package io.distexec.master.jobs;

/** No job has the given id. */
public final class JobNotFoundException extends Exception {

  private static final long serialVersionUID = 1L;

  public JobNotFoundException(String id) {
    super("no job with id " + id);
  }
}
