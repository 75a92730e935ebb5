package io.distexec.master.leadership;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The lease of a store kept in memory (STORE_URL=memory, tests): one process, one clock. */
public final class InMemoryLeaseStore implements LeaseStore {

  private final Clock clock;
  private final Map<String, Member> members = new ConcurrentHashMap<>();
  private Lease lease;

  public InMemoryLeaseStore(Clock clock) {
    this.clock = clock;
    this.lease = Lease.none(clock.instant());
  }

  @Override
  public synchronized Lease claim(
      String name, String incarnation, String clusterAddress, Duration duration) {
    Instant now = clock.instant();
    Lease read = lease.readAt(now);
    lease =
        switch (LeaseRules.decide(read, name, incarnation)) {
          case RENEW -> read.renewed(clusterAddress, duration);
          case TAKE -> read.takenBy(name, incarnation, clusterAddress, duration);
          case WAIT -> read;
        };
    return lease;
  }

  @Override
  public synchronized void release(String name, String incarnation) {
    if (lease.heldBy(name, incarnation)) {
      lease = lease.endedAt(clock.instant());
    }
  }

  @Override
  public void checkIn(Member me) {
    members.put(me.name(), me);
  }

  @Override
  public List<Member> members(Instant since) {
    return members.values().stream()
        .filter(m -> !m.seenAt().isBefore(since))
        .sorted(java.util.Comparator.comparing(Member::name))
        .toList();
  }
}
