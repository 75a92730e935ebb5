package io.distexec.master.api;

import io.distexec.master.leadership.Election;
import io.distexec.master.leadership.LeaseStore;
import java.time.Instant;
import java.util.List;

/**
 * The masters as the REST API shows them: which one answered, which one leads (term, since when,
 * where workers reach it), and every master seen lately.
 */
public record ClusterView(String self, Leader leader, List<Master> masters) {

  /** The leader; {@code null} while no master holds a live lease. */
  public record Leader(String name, long term, Instant since, String clusterAddress) {}

  public record Master(
      String name,
      String role,
      String apiAddress,
      String clusterAddress,
      Instant startedAt,
      Instant lastSeenAt) {}

  public static ClusterView of(Election election) {
    Leader leader =
        election
            .leaderLease()
            .map(l -> new Leader(l.holder(), l.term(), l.since(), l.clusterAddress()))
            .orElse(null);
    List<Master> masters =
        election.members().stream()
            .map(
                (LeaseStore.Member m) ->
                    new Master(
                        m.name(),
                        leader != null && leader.name().equals(m.name()) ? "LEADER" : "STANDBY",
                        m.apiAddress(),
                        m.clusterAddress(),
                        m.startedAt(),
                        m.seenAt()))
            .toList();
    return new ClusterView(election.name(), leader, masters);
  }
}
