package io.distexec.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.distexec.common.ProtoTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The masters: which one answered, which one leads and since when, and every master seen lately.
 *
 * @param self the master that answered
 * @param leader the leader's name, empty while no master leads (a takeover under way)
 * @param term the leader's term: it only grows
 */
public record Cluster(
    String self,
    Optional<String> leader,
    long term,
    Optional<Instant> leaderSince,
    List<Master> masters,
    String json) {

  /** One master: LEADER or STANDBY, where clients and workers reach it, when it was last seen. */
  public record Master(
      String name,
      String role,
      String apiAddress,
      String clusterAddress,
      Instant startedAt,
      Instant lastSeenAt) {}

  static Cluster of(io.distexec.proto.v1.Cluster c) {
    String json;
    try {
      json = JsonFormat.printer().print(c);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return new Cluster(
        c.getSelf(),
        c.getLeader().isEmpty() ? Optional.empty() : Optional.of(c.getLeader()),
        c.getTerm(),
        c.hasLeaderSince() ? Optional.of(ProtoTime.instant(c.getLeaderSince())) : Optional.empty(),
        c.getMastersList().stream()
            .map(
                m ->
                    new Master(
                        m.getName(),
                        m.getRole(),
                        m.getApiAddress(),
                        m.getClusterAddress(),
                        ProtoTime.instant(m.getStartedAt()),
                        ProtoTime.instant(m.getLastSeenAt())))
            .toList(),
        json);
  }
}
