package io.distexec.master.api;

import io.distexec.master.leadership.ClusterWorkers;
import io.distexec.master.leadership.WorkerBoard;
import io.distexec.master.registry.WorkerNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A registered worker as the REST API shows it. */
public record WorkerView(
    String id,
    String address,
    String httpUrl,
    String state,
    int activeTasks,
    int maxConcurrentTasks,
    Set<String> executors,
    Map<String, String> labels,
    Instant registeredAt,
    Instant lastHeartbeatAt) {

  /** Every worker the cluster knows, as the API shows them. */
  public static List<WorkerView> all(ClusterWorkers workers) {
    return workers.list().stream().map(WorkerView::of).toList();
  }

  public static WorkerView of(WorkerBoard.Entry entry) {
    return of(entry.node(), entry.inFlight());
  }

  private static WorkerView of(WorkerNode node, int inFlight) {
    return new WorkerView(
        node.id(),
        node.address(),
        node.httpUrl().isEmpty() ? null : node.httpUrl(),
        node.takesNoWork() ? "DRAINING" : node.unreachable() ? "UNREACHABLE" : "READY",
        inFlight,
        node.maxConcurrentTasks(),
        new TreeSet<>(node.executors()),
        node.labels(),
        node.registeredAt(),
        node.lastHeartbeatAt());
  }
}
