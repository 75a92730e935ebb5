package io.distexec.master.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * The workers the master knows, kept alive by heartbeats. A worker not heard from for the heartbeat
 * timeout is removed as dead by {@link #expire()}, which the master calls periodically. Plain Java
 * and thread-safe; time comes from an injected clock so tests control it.
 */
public final class NodeRegistry {

  private static final Logger LOG = Logger.getLogger(NodeRegistry.class.getName());

  private final Map<String, WorkerNode> workers = new ConcurrentHashMap<>();
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  private final Clock clock;
  private final Duration heartbeatTimeout;

  public NodeRegistry(Clock clock, Duration heartbeatTimeout) {
    if (heartbeatTimeout.isZero() || heartbeatTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "heartbeat timeout must be positive, got " + heartbeatTimeout);
    }
    this.clock = clock;
    this.heartbeatTimeout = heartbeatTimeout;
  }

  public void addListener(RegistryListener listener) {
    listeners.add(listener);
  }

  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /**
   * Adds the worker, or refreshes it when its id is known (a restarted worker re-registers). A
   * drain or hold asked of a worker still registered stays: registering again after a missed
   * heartbeat must not put a drained worker back to work.
   */
  public WorkerNode register(Registration r) {
    Instant now = clock.instant();
    WorkerNode known = workers.get(r.workerId());
    boolean drainAsked = known != null && known.drainRequested();
    boolean held = known != null && known.held();
    WorkerNode node =
        new WorkerNode(
            r.workerId(),
            r.address(),
            r.httpUrl(),
            r.maxConcurrentTasks(),
            r.executors(),
            r.labels(),
            now,
            now,
            0,
            false,
            drainAsked,
            false,
            held);
    WorkerNode previous = workers.put(node.id(), node);
    if (previous != null && !previous.address().equals(node.address())) {
      LOG.info(() -> "worker " + node.id() + " re-registered at a new address " + node.address());
    } else {
      LOG.info(
          () ->
              "worker "
                  + node.id()
                  + " registered at "
                  + node.address()
                  + " with "
                  + node.maxConcurrentTasks()
                  + " slots, executors "
                  + node.executors()
                  + (drainAsked ? " (still asked to drain)" : ""));
    }
    listeners.forEach(l -> l.workerAvailable(node));
    return node;
  }

  /** Records a heartbeat. */
  public WorkerNode heartbeat(String workerId, int activeTasks, boolean draining)
      throws UnknownWorkerException {
    Instant now = clock.instant();
    boolean[] drainChanged = new boolean[1];
    boolean[] back = new boolean[1];
    WorkerNode updated =
        workers.computeIfPresent(
            workerId,
            (id, node) -> {
              drainChanged[0] = node.draining() != draining;
              back[0] = node.unreachable();
              return node.heartbeat(now, activeTasks, draining);
            });
    if (updated == null) {
      throw new UnknownWorkerException(workerId);
    }
    if (drainChanged[0]) {
      LOG.info(() -> "worker " + workerId + (draining ? " is draining" : " takes work again"));
    }
    if (back[0]) {
      LOG.info(() -> "worker " + workerId + " answers again");
    }
    if (drainChanged[0] || back[0]) {
      listeners.forEach(l -> l.workerAvailable(updated));
    }
    return updated;
  }

  /**
   * Drains a worker at an operator's request: it gets no new work, and its next heartbeat answer
   * tells it to finish what runs and deregister.
   */
  public Optional<WorkerNode> drain(String workerId) {
    Optional<WorkerNode> drained =
        Optional.ofNullable(
            workers.computeIfPresent(workerId, (id, node) -> node.withDrainRequested(false)));
    drained.ifPresent(node -> LOG.info(() -> "worker " + workerId + " drained by request"));
    return drained;
  }

  /**
   * Holds a worker for the autoscaler's scale-in: no new work, and its next heartbeat answer tells
   * it to report not ready while it stays registered, so that Kubernetes removes its pod first. A
   * worker an operator drained stays drained.
   *
   * @return false when no such worker is registered
   */
  public boolean hold(String workerId) {
    return workers.computeIfPresent(
            workerId, (id, node) -> node.drainRequested() ? node : node.withDrainRequested(true))
        != null;
  }

  /** Takes a held worker back into service (an operator's drain stays). */
  public void release(String workerId) {
    boolean[] wasHeld = new boolean[1];
    WorkerNode node =
        workers.computeIfPresent(
            workerId,
            (id, n) -> {
              wasHeld[0] = n.held();
              return n.held() ? n.released() : n;
            });
    if (wasHeld[0]) {
      listeners.forEach(l -> l.workerAvailable(node));
    }
  }

  /**
   * Sends a worker no work until its next heartbeat: it refused a task or its connection failed.
   * Without this, a job retried before a killed worker's heartbeat timeout would be placed on it
   * again and again.
   */
  public void markUnreachable(String workerId, String why) {
    WorkerNode node = workers.computeIfPresent(workerId, (id, n) -> n.asUnreachable());
    if (node != null) {
      LOG.info(() -> "no work for worker " + workerId + " until its next heartbeat: " + why);
    }
  }

  /** Removes a worker that leaves on purpose; unknown ids are ignored. */
  public void deregister(String workerId, String reason) {
    WorkerNode removed = workers.remove(workerId);
    if (removed != null) {
      LOG.info(() -> "worker " + workerId + " deregistered: " + reason);
      listeners.forEach(
          l -> l.workerGone(removed, false, "worker " + workerId + " left: " + reason));
    }
  }

  /** Removes every worker whose last heartbeat is older than the timeout; returns them. */
  public List<WorkerNode> expire() {
    Instant deadline = clock.instant().minus(heartbeatTimeout);
    List<WorkerNode> dead = new ArrayList<>();
    for (WorkerNode node : workers.values()) {
      if (node.lastHeartbeatAt().isBefore(deadline) && workers.remove(node.id(), node)) {
        dead.add(node);
      }
    }
    for (WorkerNode node : dead) {
      String reason =
          "worker " + node.id() + " missed heartbeats for " + heartbeatTimeout.toSeconds() + " s";
      LOG.warning(reason + "; removed as dead");
      listeners.forEach(l -> l.workerGone(node, true, reason));
    }
    return dead;
  }

  public Optional<WorkerNode> find(String workerId) {
    return Optional.ofNullable(workers.get(workerId));
  }

  /** All known workers, by id. */
  public List<WorkerNode> snapshot() {
    List<WorkerNode> all = new ArrayList<>(workers.values());
    all.sort(Comparator.comparing(WorkerNode::id));
    return all;
  }

  /**
   * Forgets every worker without telling the listeners (this master stopped leading: its workers
   * register with the new leader, and nothing here may act on their departure).
   *
   * @return the workers it knew
   */
  public List<WorkerNode> clear() {
    List<WorkerNode> all = snapshot();
    all.forEach(w -> workers.remove(w.id()));
    return all;
  }
}
