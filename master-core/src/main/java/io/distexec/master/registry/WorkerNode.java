package io.distexec.master.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A registered worker as the registry sees it.
 *
 * @param id unique worker id (WORKER_ID)
 * @param address host:port of its WorkerService
 * @param httpUrl base URL of its HTTP endpoint, or empty
 * @param maxConcurrentTasks how many tasks it runs at once
 * @param executors task types it can run
 * @param labels free-form labels
 * @param registeredAt when it (last) registered
 * @param lastHeartbeatAt when it was last heard from
 * @param reportedActiveTasks active tasks it reported in its last heartbeat
 * @param draining true while the worker says it takes no new work (it is shutting down)
 * @param drainRequested true once an operator asked the master to drain it; told to the worker in
 *     heartbeat answers
 * @param unreachable true after it refused a task or its connection failed, until its next
 *     heartbeat shows it is back: no work is sent to it meanwhile
 * @param held true while the autoscaler holds it for removal: with {@code drainRequested}, but it
 *     stays registered, idle and not ready, until released or removed
 */
public record WorkerNode(
    String id,
    String address,
    String httpUrl,
    int maxConcurrentTasks,
    Set<String> executors,
    Map<String, String> labels,
    Instant registeredAt,
    Instant lastHeartbeatAt,
    int reportedActiveTasks,
    boolean draining,
    boolean drainRequested,
    boolean unreachable,
    boolean held) {

  public WorkerNode {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    httpUrl = httpUrl == null ? "" : httpUrl;
    executors = Set.copyOf(executors);
    labels = Map.copyOf(labels);
  }

  WorkerNode heartbeat(Instant at, int activeTasks, boolean isDraining) {
    return with(at, activeTasks, isDraining, drainRequested, false, held);
  }

  /**
   * Drained by an operator ({@code hold} false: finish and deregister) or held by the autoscaler.
   */
  WorkerNode withDrainRequested(boolean hold) {
    return with(lastHeartbeatAt, reportedActiveTasks, draining, true, unreachable, hold);
  }

  /** Released from the autoscaler's hold: takes work again. */
  WorkerNode released() {
    return with(lastHeartbeatAt, reportedActiveTasks, draining, false, unreachable, false);
  }

  WorkerNode asUnreachable() {
    return with(lastHeartbeatAt, reportedActiveTasks, draining, drainRequested, true, held);
  }

  /** This worker with its changing parts replaced; what it registered with stays. */
  private WorkerNode with(
      Instant heardAt,
      int activeTasks,
      boolean isDraining,
      boolean drainAsked,
      boolean isUnreachable,
      boolean isHeld) {
    return new WorkerNode(
        id,
        address,
        httpUrl,
        maxConcurrentTasks,
        executors,
        labels,
        registeredAt,
        heardAt,
        activeTasks,
        isDraining,
        drainAsked,
        isUnreachable,
        isHeld);
  }

  /** Takes no new work: draining on its own or at an operator's request. */
  public boolean takesNoWork() {
    return draining || drainRequested;
  }

  public boolean canRun(String taskType) {
    return executors.contains(taskType);
  }
}
