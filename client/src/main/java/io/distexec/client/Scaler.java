package io.distexec.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.distexec.common.ProtoTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker autoscaler: whether it runs, on which master, the pool it scales, its decisions.
 *
 * @param enabled SCALER=kubernetes on the master that answered
 * @param leading whether the master that answered takes the turns (the leader does)
 * @param leader the leading master, empty during a takeover
 * @param pool what it scales, e.g. "Deployment default/distexec-worker"
 * @param replicas the replicas asked for at the last turn, empty before the first
 * @param starting pods asked for that have not registered as workers yet
 * @param problem the Kubernetes API server's last refusal (or why the scaler is off)
 * @param recent the last decisions other than Hold, newest first
 * @param decisions how many decisions of each kind
 */
public record Scaler(
    boolean enabled,
    boolean leading,
    Optional<String> leader,
    String pool,
    Optional<Integer> replicas,
    int starting,
    Optional<Decision> last,
    Optional<String> problem,
    List<Decision> recent,
    Map<String, Long> decisions,
    String json) {

  /** One decision: Hold, ScaleOut, Drain, ScaleIn or CallOff, with its reason. */
  public record Decision(Optional<Instant> at, String kind, String reason) {}

  static Scaler of(io.distexec.proto.v1.Scaler s) {
    String json;
    try {
      json = JsonFormat.printer().print(s);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return new Scaler(
        s.getEnabled(),
        s.getLeading(),
        s.getLeader().isEmpty() ? Optional.empty() : Optional.of(s.getLeader()),
        s.getPool(),
        s.getReplicas() < 0 ? Optional.empty() : Optional.of(s.getReplicas()),
        s.getStarting(),
        s.hasLast() ? Optional.of(decision(s.getLast())) : Optional.empty(),
        s.getProblem().isEmpty() ? Optional.empty() : Optional.of(s.getProblem()),
        s.getRecentList().stream().map(Scaler::decision).toList(),
        Map.copyOf(s.getDecisionsMap()),
        json);
  }

  private static Decision decision(io.distexec.proto.v1.ScalerDecision d) {
    return new Decision(
        d.hasAt() ? Optional.of(ProtoTime.instant(d.getAt())) : Optional.empty(),
        d.getKind(),
        d.getReason());
  }
}
