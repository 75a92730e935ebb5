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
    boolean unreachable) {

  public WorkerNode {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    httpUrl = httpUrl == null ? "" : httpUrl;
    executors = Set.copyOf(executors);
    labels = Map.copyOf(labels);
  }

  WorkerNode heartbeat(Instant at, int activeTasks, boolean isDraining) {
    return new WorkerNode(
        id,
        address,
        httpUrl,
        maxConcurrentTasks,
        executors,
        labels,
        registeredAt,
        at,
        activeTasks,
        isDraining,
        drainRequested,
        false);
  }

  WorkerNode withDrainRequested() {
    return new WorkerNode(
        id,
        address,
        httpUrl,
        maxConcurrentTasks,
        executors,
        labels,
        registeredAt,
        lastHeartbeatAt,
        reportedActiveTasks,
        draining,
        true,
        unreachable);
  }

  WorkerNode asUnreachable() {
    return new WorkerNode(
        id,
        address,
        httpUrl,
        maxConcurrentTasks,
        executors,
        labels,
        registeredAt,
        lastHeartbeatAt,
        reportedActiveTasks,
        draining,
        drainRequested,
        true);
  }

  /** Takes no new work: draining on its own or at an operator's request. */
  public boolean takesNoWork() {
    return draining || drainRequested;
  }

  public boolean canRun(String taskType) {
    return executors.contains(taskType);
  }
}
