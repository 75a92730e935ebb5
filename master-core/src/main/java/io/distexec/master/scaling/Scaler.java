package io.distexec.master.scaling;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Runs the scaler's turns on the leading master: reads the pool, decides with {@link ScalingRules},
 * and carries the decision out. A turn whose reading or carrying out fails (the API server refused
 * or did not answer) changes nothing it remembers, shows the server's words in {@link #status()},
 * and is tried again at the next turn.
 */
public final class Scaler {

  private static final Logger LOG = Logger.getLogger(Scaler.class.getName());

  /** How many decisions other than {@code Hold} {@link #status()} shows. */
  static final int RECENT = 20;

  /** The worker pool as Kubernetes keeps it: a Deployment's replicas and its pods. */
  public interface Pool {
    /** The replicas asked for. */
    int replicas();

    /** The pods by name, and whether each is ready. */
    Map<String, Boolean> podsReady();

    void scaleTo(int replicas);

    /** Marks pods so that {@code removeFirst} go before the others when the replicas go down. */
    void removeFirst(List<String> removeFirst, Set<String> others);

    /** What the pool is, for people (e.g. "Deployment default/distexec-worker"). */
    default String describe() {
      return "the worker pool";
    }
  }

  /** The master's side: the registered workers, and drains. */
  public interface Workers {
    /** Every registered worker: id, slots, tasks running, draining. */
    List<Registered> registered();

    void drain(String id);

    /** Takes a drained worker back into service. */
    void undrain(String id);
  }

  /** A registered worker as the master knows it. */
  public record Registered(String id, int slots, int running, boolean draining) {}

  /** A decision taken, and when. */
  public record Entry(Instant at, Decision decision) {}

  /**
   * What {@code GET /api/v1/scaler} shows.
   *
   * @param replicas the replicas asked for at the last turn (-1 before the first)
   * @param starting pods asked for that have not registered yet
   * @param problem the API server's last refusal, until a turn succeeds
   * @param decisions how many decisions of each kind (ScaleOut, Drain, ScaleIn, CallOff)
   */
  public record Status(
      String pool,
      int replicas,
      int starting,
      Decision last,
      Instant lastAt,
      String problem,
      List<Entry> recent,
      Map<String, Long> decisions,
      ScalerSettings settings) {}

  private final ScalerSettings settings;
  private final Pool pool;
  private final Workers workers;
  private final Clock clock;
  private final Map<String, Instant> idleSince = new HashMap<>();
  private final Deque<Entry> recent = new ArrayDeque<>();
  private ScalerMemory memory = ScalerMemory.START;
  private Decision last = new Decision.Hold("not run yet");
  private Instant lastAt;
  private String problem;
  private int replicas = -1;
  private int starting;
  private final Map<String, Long> decisions = new TreeMap<>();

  public Scaler(ScalerSettings settings, Pool pool, Workers workers, Clock clock) {
    this.settings = settings;
    this.pool = pool;
    this.workers = workers;
    this.clock = clock;
  }

  /** One turn; {@code queued}: the jobs waiting for a slot. */
  public synchronized Decision turn(int queued) {
    Instant now = clock.instant();
    try {
      int asked = pool.replicas();
      Map<String, Boolean> ready = pool.podsReady();
      // Only the pool's own workers: one registered from elsewhere (another Deployment, a
      // machine) is not the scaler's to count or remove, and a worker it drains must be a pod
      // whose readiness the ReplicaSet controller sees.
      List<Registered> registered =
          workers.registered().stream().filter(w -> ready.containsKey(w.id())).toList();
      idleSince.keySet().retainAll(registered.stream().map(Registered::id).toList());
      List<Fleet.Worker> fleet =
          registered.stream()
              .map(
                  w -> {
                    Instant idle =
                        w.running() > 0 ? null : idleSince.computeIfAbsent(w.id(), id -> now);
                    if (w.running() > 0) {
                      idleSince.remove(w.id());
                    }
                    return new Fleet.Worker(
                        w.id(),
                        w.slots(),
                        w.running(),
                        w.draining(),
                        ready.getOrDefault(w.id(), false),
                        idle);
                  })
              .toList();
      Fleet seen = new Fleet(now, asked, queued, fleet);
      ScalingRules.Turn turn = ScalingRules.decide(seen, memory, settings);
      carryOut(turn.decision(), ready.keySet());
      memory = turn.memory();
      replicas = asked;
      starting = seen.starting();
      problem = null;
      remember(now, turn.decision());
      return turn.decision();
    } catch (RuntimeException e) {
      problem = e.getMessage() == null ? e.toString() : e.getMessage();
      LOG.warning(() -> "scaler: " + problem + "; trying again at the next turn");
      return new Decision.Hold("could not read or change the pool: " + problem);
    }
  }

  private void carryOut(Decision decision, Set<String> pods) {
    if (decision instanceof Decision.ScaleOut out) {
      pool.scaleTo(out.replicas());
    } else if (decision instanceof Decision.Drain drain) {
      drain.workers().forEach(workers::drain);
      pool.removeFirst(
          drain.workers(),
          pods.stream()
              .filter(p -> !drain.workers().contains(p))
              .collect(java.util.stream.Collectors.toSet()));
    } else if (decision instanceof Decision.ScaleIn in) {
      pool.scaleTo(in.replicas());
    } else if (decision instanceof Decision.CallOff off) {
      off.workers().forEach(workers::undrain);
    }
  }

  private void remember(Instant now, Decision decision) {
    last = decision;
    lastAt = now;
    if (!(decision instanceof Decision.Hold)) {
      decisions.merge(decision.getClass().getSimpleName(), 1L, Long::sum);
      LOG.info(() -> "scaler: " + decision.reason());
      recent.addFirst(new Entry(now, decision));
      while (recent.size() > RECENT) {
        recent.removeLast();
      }
    }
  }

  public synchronized Status status() {
    return new Status(
        pool.describe(),
        replicas,
        starting,
        last,
        lastAt,
        problem,
        List.copyOf(recent),
        Map.copyOf(decisions),
        settings);
  }

  /** The replicas the scaler wants now: those it set at its last turn, else those it found. */
  public synchronized int desired() {
    if (last instanceof Decision.ScaleOut out) {
      return out.replicas();
    }
    if (last instanceof Decision.ScaleIn in) {
      return in.replicas();
    }
    return Math.max(replicas, 0);
  }

  /**
   * Why a queued job waits, with the scaler's part: workers on their way, or none yet (the next
   * turn adds one).
   *
   * @param reason the dispatcher's words (see {@code scheduling.WaitReason})
   */
  public synchronized String explainWait(String reason) {
    if (problem != null) {
      return reason + "; the autoscaler cannot change the pool: " + problem;
    }
    if (starting > 0) {
      return "scaling up (" + starting + " worker(s) starting): " + reason;
    }
    if (last instanceof Decision.ScaleOut || reason.startsWith("no worker is registered")) {
      return "scaling up: " + reason;
    }
    return reason;
  }
}
