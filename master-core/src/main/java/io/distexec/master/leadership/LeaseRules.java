package io.distexec.master.leadership;

/**
 * Whether a master may take, keep or must leave the lease: a pure function of the lease as read.
 */
public final class LeaseRules {

  private LeaseRules() {}

  /** What a master does with the lease it read. */
  public enum Claim {
    /** It holds the lease: it runs on, same term. */
    RENEW,
    /** Nobody holds a live lease: it takes the lease with the next term. */
    TAKE,
    /** Another master holds a live lease. */
    WAIT
  }

  /**
   * @param name this master's name (MASTER_ID), unique among the masters
   * @param incarnation this run of its process
   */
  public static Claim decide(Lease lease, String name, String incarnation) {
    if (lease.holder() == null) {
      return Claim.TAKE;
    }
    if (lease.heldBy(name, incarnation)) {
      return Claim.RENEW; // even past expiry: nobody took it meanwhile, so nothing moved on
    }
    if (lease.holder().equals(name)) {
      // An earlier run of this master (killed before it could let go): that process is gone, so
      // this one need not wait out its lease, but it leads with a new term.
      return Claim.TAKE;
    }
    return lease.expired() ? Claim.TAKE : Claim.WAIT;
  }
}
