package io.distexec.master.leadership;

import java.time.Duration;
import java.time.Instant;

/**
 * Who leads the masters sharing a store, as the store holds it: the holder's name and incarnation
 * (one run of its process), the term, which only grows and fences every write of an older leader,
 * where workers reach the leader, since when it leads and until when its lease runs.
 *
 * @param holder the leading master's name (MASTER_ID), or {@code null} when nobody has led yet
 * @param now the store's clock when the lease was read: every master judges expiry by one clock
 */
public record Lease(
    String holder,
    String incarnation,
    long term,
    String clusterAddress,
    Instant since,
    Instant expiresAt,
    Instant now) {

  /** Nobody leads: the lease of a store no master has claimed. */
  public static Lease none(Instant now) {
    return new Lease(null, null, 0, null, null, null, now);
  }

  /** The same lease, as read at {@code time}. */
  public Lease readAt(Instant time) {
    return new Lease(holder, incarnation, term, clusterAddress, since, expiresAt, time);
  }

  /** The lease renewed by its holder at the time it was read, for {@code duration}. */
  public Lease renewed(String clusterAddress, Duration duration) {
    return new Lease(holder, incarnation, term, clusterAddress, since, now.plus(duration), now);
  }

  /** The lease taken with the next term at the time it was read, for {@code duration}. */
  public Lease takenBy(String name, String incarnation, String clusterAddress, Duration duration) {
    return new Lease(name, incarnation, term + 1, clusterAddress, now, now.plus(duration), now);
  }

  /** The same lease, run out at {@code time} (its holder let go). */
  public Lease endedAt(Instant time) {
    return new Lease(holder, incarnation, term, clusterAddress, since, time, time);
  }

  public boolean heldBy(String name, String incarnation) {
    return name.equals(holder) && incarnation.equals(this.incarnation);
  }

  public boolean expired() {
    return expiresAt == null || !now.isBefore(expiresAt);
  }
}
