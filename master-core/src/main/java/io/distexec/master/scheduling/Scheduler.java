package io.distexec.master.scheduling;

import io.distexec.master.balancing.Candidate;
import io.distexec.master.balancing.LoadBalancer;
import io.distexec.master.registry.WorkerNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides where a job runs: keeps the workers that can take it now (not draining, has the job's
 * executor, has a free slot) and lets the balancer choose among them. Pure: a snapshot in, a
 * decision out, no I/O and no container.
 */
public final class Scheduler {

  private final LoadBalancer balancer;

  public Scheduler(LoadBalancer balancer) {
    this.balancer = balancer;
  }

  /**
   * Whether any worker could take a task of some type now (takes work, reachable, a free slot): the
   * dispatcher's cheap test before it reads queued jobs from the store.
   */
  public boolean anyFreeSlot(List<WorkerNode> workers, Map<String, Integer> inFlight) {
    return workers.stream()
        .anyMatch(
            w ->
                !w.takesNoWork()
                    && !w.unreachable()
                    && inFlight.getOrDefault(w.id(), 0) < w.maxConcurrentTasks());
  }

  /**
   * @param taskType the job's executor
   * @param workers the registered workers
   * @param inFlight tasks sent to each worker that have not ended, by worker id
   */
  public Placement place(String taskType, List<WorkerNode> workers, Map<String, Integer> inFlight) {
    Map<String, String> passedOver = new TreeMap<>();
    List<Candidate> candidates = new ArrayList<>();
    for (WorkerNode worker : workers) {
      int busy = inFlight.getOrDefault(worker.id(), 0);
      if (worker.takesNoWork()) {
        passedOver.put(worker.id(), "draining");
      } else if (worker.unreachable()) {
        passedOver.put(worker.id(), "unreachable until its next heartbeat");
      } else if (!worker.canRun(taskType)) {
        passedOver.put(worker.id(), "no executor '" + taskType + "'");
      } else if (busy >= worker.maxConcurrentTasks()) {
        passedOver.put(worker.id(), "full (" + busy + "/" + worker.maxConcurrentTasks() + ")");
      } else {
        candidates.add(new Candidate(worker.id(), busy, worker.maxConcurrentTasks()));
      }
    }
    candidates.sort((a, b) -> a.workerId().compareTo(b.workerId()));
    Optional<String> chosen = balancer.select(candidates).map(Candidate::workerId);
    chosen.ifPresent(
        id ->
            candidates.stream()
                .filter(c -> !c.workerId().equals(id))
                .forEach(c -> passedOver.put(c.workerId(), "not chosen by " + balancer.name())));
    return new Placement(chosen, passedOver);
  }
}
