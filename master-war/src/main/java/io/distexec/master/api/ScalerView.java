package io.distexec.master.api;

import io.distexec.master.config.ScalerConfig;
import io.distexec.master.leadership.Election;
import io.distexec.master.leadership.Lease;
import io.distexec.master.scaling.Decision;
import io.distexec.master.scaling.Scaler;
import io.distexec.master.scaling.ScalerSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The autoscaler as the REST API shows it: whether it runs, where (the leader alone takes turns),
 * the pool it scales, its last decision with the reason, the API server's last refusal, its recent
 * decisions and its settings.
 *
 * @param enabled SCALER=kubernetes
 * @param leading whether the master that answered takes the turns (a standby's figures are those of
 *     its own last turns, if it led before)
 * @param leader the leading master, which takes the turns
 * @param replicas the replicas asked for at the last turn
 * @param starting pods asked for that have not registered as workers yet
 * @param problem the API server's last refusal, in its words, until a turn succeeds
 */
public record ScalerView(
    boolean enabled,
    boolean leading,
    String leader,
    String pool,
    Integer replicas,
    Integer starting,
    DecisionView last,
    String problem,
    List<DecisionView> recent,
    Map<String, Long> decisions,
    Settings settings) {

  /** A decision: its kind (Hold, ScaleOut, Drain, ScaleIn, CallOff) and reason. */
  public record DecisionView(Instant at, String kind, String reason) {}

  /** The SCALER_* settings in force. */
  public record Settings(
      String deployment,
      long intervalSeconds,
      int minWorkers,
      int maxWorkers,
      int maxStepOut,
      int maxStepIn,
      long outWindowSeconds,
      long inWindowSeconds,
      long idleSeconds,
      int slotsPerWorker) {}

  public static ScalerView of(Optional<Scaler> scaler, ScalerConfig config, Election election) {
    String leader = election.leaderLease().map(Lease::holder).orElse(null);
    ScalerSettings r = config.rules();
    Settings settings =
        new Settings(
            config.deployment(),
            config.interval().toSeconds(),
            r.minWorkers(),
            r.maxWorkers(),
            r.maxStepOut(),
            r.maxStepIn(),
            r.outWindow().toSeconds(),
            r.inWindow().toSeconds(),
            r.idleBeforeRemoval().toSeconds(),
            r.slotsPerWorker());
    if (scaler.isEmpty()) {
      return new ScalerView(
          false,
          election.leading(),
          leader,
          null,
          null,
          null,
          null,
          "the autoscaler is off (set SCALER=kubernetes)",
          List.of(),
          Map.of(),
          settings);
    }
    Scaler.Status s = scaler.get().status();
    return new ScalerView(
        true,
        election.leading(),
        leader,
        s.pool(),
        s.replicas() < 0 ? null : s.replicas(),
        s.replicas() < 0 ? null : s.starting(),
        new DecisionView(s.lastAt(), kind(s.last()), s.last().reason()),
        s.problem(),
        s.recent().stream()
            .map(e -> new DecisionView(e.at(), kind(e.decision()), e.decision().reason()))
            .toList(),
        s.decisions(),
        settings);
  }

  private static String kind(Decision decision) {
    return decision.getClass().getSimpleName();
  }
}
