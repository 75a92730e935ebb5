package io.distexec.master.jobs;

/**
 * The store refused a write of a master that no longer leads: a newer leadership term exists. The
 * master must stop acting as leader at once (it was paused, or cut off, past its lease).
 */
public final class FencedException extends RuntimeException {

  private final long term;
  private final long newer;

  public FencedException(long term, long newer) {
    super(
        "this master's leadership (term "
            + term
            + ") was superseded by term "
            + newer
            + ": the write is refused");
    this.term = term;
    this.newer = newer;
  }

  public long term() {
    return term;
  }

  public long newer() {
    return newer;
  }
}
