package io.distexec.master.scaling;

import io.distexec.master.registry.NodeRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scaler's view of the workers from the leader's registry: tasks running as the larger of the
 * dispatcher's count and the worker's last heartbeat (a worker is never taken for idle before both
 * say so), and the scaler's drain as the registry's hold, which keeps the worker registered so that
 * it can be taken back.
 */
public final class RegistryWorkers implements Scaler.Workers {

  private final NodeRegistry registry;
  private final Supplier<Map<String, Integer>> inFlight;

  /**
   * @param inFlight tasks sent to each worker that have not ended, by worker id
   */
  public RegistryWorkers(NodeRegistry registry, Supplier<Map<String, Integer>> inFlight) {
    this.registry = registry;
    this.inFlight = inFlight;
  }

  @Override
  public List<Scaler.Registered> registered() {
    Map<String, Integer> running = inFlight.get();
    return registry.snapshot().stream()
        .map(
            w ->
                new Scaler.Registered(
                    w.id(),
                    w.maxConcurrentTasks(),
                    Math.max(running.getOrDefault(w.id(), 0), w.reportedActiveTasks()),
                    w.takesNoWork()))
        .toList();
  }

  @Override
  public void drain(String id) {
    registry.hold(id);
  }

  @Override
  public void undrain(String id) {
    registry.release(id);
  }
}
