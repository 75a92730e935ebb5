package io.distexec.master.leadership;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Where the lease and the list of masters are kept: the database all masters share. */
public interface LeaseStore {

  /** A master as it checked in: its name, where clients and workers reach it, when it was seen. */
  record Member(
      String name, String apiAddress, String clusterAddress, Instant startedAt, Instant seenAt) {}

  /**
   * In one transaction: reads the lease, applies {@link LeaseRules#decide} and writes the outcome
   * (a renewal, or a new term whose fence every older leader's writes then fail against).
   *
   * @return the lease as stored afterwards
   */
  Lease claim(String name, String incarnation, String clusterAddress, Duration duration);

  /** Ends this master's lease now (it stops), so that another need not wait for it to expire. */
  void release(String name, String incarnation);

  /** Records that this master is alive (for the cluster's view). */
  void checkIn(Member me);

  /** The masters seen since {@code since}, by name. */
  List<Member> members(Instant since);
}
