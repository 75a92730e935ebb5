package io.distexec.master.leadership;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One master's part in choosing the leader: on every {@link #tick()} it claims or renews the lease
 * in the shared store, and tells its {@link Listener} when it starts or stops leading. A leader
 * that cannot renew in time steps down by itself, before another can take over: its writes would be
 * refused anyway (fencing), but it also stops sending work.
 */
public final class Election {

  private static final Logger LOG = Logger.getLogger(Election.class.getName());

  /** How often a master claims or renews (and checks in). */
  public static final Duration TICK = Duration.ofSeconds(1);

  /** What a master does as it starts and stops leading. */
  public interface Listener {
    /** This master leads from now on, with the lease's term. */
    void elected(Lease lease);

    /** This master no longer leads; {@code reason} says why, for the log. */
    void deposed(String reason);
  }

  private final LeaseStore store;
  private final String name;
  private final String incarnation;
  private final String clusterAddress;
  private final String apiAddress;
  private final Duration duration;
  private final Clock clock;
  private final Instant startedAt;
  private Listener listener =
      new Listener() {
        @Override
        public void elected(Lease lease) {}

        @Override
        public void deposed(String reason) {}
      };

  private volatile Lease lastSeen;
  private volatile boolean leading;
  private volatile long term;
  private volatile Instant renewedAt = Instant.MIN;

  /**
   * @param name this master's name among the masters (MASTER_ID)
   * @param incarnation this run of its process (a random string)
   * @param clusterAddress where workers reach this master, named to them when it leads
   * @param duration how long a lease runs without renewal: the longest a dead leader is waited for
   */
  public Election(
      LeaseStore store,
      String name,
      String incarnation,
      String apiAddress,
      String clusterAddress,
      Duration duration,
      Clock clock) {
    if (duration.compareTo(TICK.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "LEADER_LEASE_SECONDS must be at least " + TICK.multipliedBy(2).toSeconds());
    }
    this.store = store;
    this.name = name;
    this.incarnation = incarnation;
    this.apiAddress = apiAddress;
    this.clusterAddress = clusterAddress;
    this.duration = duration;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  public void listen(Listener listener) {
    this.listener = listener;
  }

  /** One turn: claims or renews the lease, and starts or stops leading accordingly. */
  public synchronized void tick() {
    try {
      store.checkIn(
          new LeaseStore.Member(name, apiAddress, clusterAddress, startedAt, clock.instant()));
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "could not check in", e);
    }
    Lease lease;
    try {
      lease = store.claim(name, incarnation, clusterAddress, duration);
    } catch (RuntimeException e) {
      if (leading && !clock.instant().isBefore(renewedAt.plus(duration.minus(TICK)))) {
        stepDown(
            "could not renew the lease for "
                + Duration.between(renewedAt, clock.instant()).toSeconds()
                + " s ("
                + e.getMessage()
                + "); another master may take over");
      } else {
        LOG.warning(() -> "leader election: the store did not answer: " + e.getMessage());
      }
      return;
    }
    lastSeen = lease;
    if (lease.heldBy(name, incarnation)) {
      renewedAt = clock.instant();
      if (leading && lease.term() != term) {
        // It lost the lease and took it back unnoticed (paused past it): what it knew is stale.
        stepDown("term " + term + " ended while this master was away");
      }
      if (!leading) {
        leading = true;
        term = lease.term();
        LOG.info(() -> "this master (" + name + ") leads now, term " + lease.term());
        listener.elected(lease);
      }
    } else if (leading) {
      stepDown("master " + lease.holder() + " leads now (term " + lease.term() + ")");
    }
  }

  /** The store refused a write of this master's term: stop leading now, not at the next tick. */
  public synchronized void fenced(String why) {
    if (leading) {
      stepDown(why);
    }
  }

  /** This master stops: it lets go of the lease so that another takes over at once. */
  public synchronized void resign() {
    if (!leading) {
      return;
    }
    stepDown("this master is stopping");
    try {
      store.release(name, incarnation);
    } catch (RuntimeException e) {
      LOG.warning(() -> "could not release the lease (it runs out by itself): " + e.getMessage());
    }
  }

  private void stepDown(String reason) {
    leading = false;
    LOG.warning(() -> "this master (" + name + ") stops leading: " + reason);
    listener.deposed(reason);
  }

  public boolean leading() {
    return leading;
  }

  /**
   * The term this master leads with, or led with last: writes with it are refused once a newer term
   * exists. 0 before it first led.
   */
  public long term() {
    return term;
  }

  public String name() {
    return name;
  }

  /** The leader's lease as last read; empty when nobody holds a live lease (or before a tick). */
  public Optional<Lease> leaderLease() {
    return Optional.ofNullable(lastSeen).filter(l -> l.holder() != null && !l.expired());
  }

  /** Where workers reach the leader, as far as this master knows. */
  public Optional<String> leaderClusterAddress() {
    return leaderLease().map(Lease::clusterAddress);
  }

  /** The masters seen within three lease periods. */
  public java.util.List<LeaseStore.Member> members() {
    return store.members(clock.instant().minus(duration.multipliedBy(3)));
  }
}
