package io.distexec.master.leadership;

import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.registry.WorkerNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The workers, as any master answers for them: the leader from its registry, a standby from the
 * {@link WorkerBoard} the leader publishes. A drain asked of a standby goes to the leader.
 */
public final class ClusterWorkers {

  private final BooleanSupplier leading;
  private final NodeRegistry registry;
  private final Supplier<Map<String, Integer>> inFlight;
  private final WorkerBoard board;
  private final Consumer<String> askLeaderToDrain;

  public ClusterWorkers(
      BooleanSupplier leading,
      NodeRegistry registry,
      Supplier<Map<String, Integer>> inFlight,
      WorkerBoard board,
      Consumer<String> askLeaderToDrain) {
    this.leading = leading;
    this.registry = registry;
    this.inFlight = inFlight;
    this.board = board;
    this.askLeaderToDrain = askLeaderToDrain;
  }

  /** Every worker, by id. */
  public List<WorkerBoard.Entry> list() {
    if (!leading.getAsBoolean()) {
      return board.read();
    }
    Map<String, Integer> tasks = inFlight.get();
    return registry.snapshot().stream()
        .map(w -> new WorkerBoard.Entry(w, tasks.getOrDefault(w.id(), 0)))
        .toList();
  }

  /**
   * Asks a worker to drain: at once on the leader; through the leader on a standby, which answers
   * with the worker as last published, marked as asked.
   *
   * @return the worker, or empty when no such worker is registered
   */
  public Optional<WorkerBoard.Entry> drain(String workerId) {
    if (leading.getAsBoolean()) {
      return registry
          .drain(workerId)
          .map(w -> new WorkerBoard.Entry(w, inFlight.get().getOrDefault(w.id(), 0)));
    }
    Optional<WorkerBoard.Entry> known =
        board.read().stream().filter(e -> e.node().id().equals(workerId)).findFirst();
    known.ifPresent(e -> askLeaderToDrain.accept(workerId));
    return known.map(e -> new WorkerBoard.Entry(asked(e.node()), e.inFlight()));
  }

  private static WorkerNode asked(WorkerNode w) {
    return new WorkerNode(
        w.id(),
        w.address(),
        w.httpUrl(),
        w.maxConcurrentTasks(),
        w.executors(),
        w.labels(),
        w.registeredAt(),
        w.lastHeartbeatAt(),
        w.reportedActiveTasks(),
        w.draining(),
        true,
        w.unreachable(),
        false);
  }

  /** Leader: publishes its registry for the standbys. */
  public void publish() {
    if (leading.getAsBoolean()) {
      board.publish(list());
    }
  }
}
