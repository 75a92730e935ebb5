package io.distexec.master.registry;

/** A heartbeat or request names a worker the registry does not know: it must register again. */
public final class UnknownWorkerException extends Exception {

  private static final long serialVersionUID = 1L;

  public UnknownWorkerException(String workerId) {
    super("worker " + workerId + " is not registered; register again");
  }
}
