package io.distexec.master.scheduling;

import io.distexec.master.registry.WorkerNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Why a queued job waits, in words for its user (the {@code waiting} field of the job's REST and
 * gRPC views). Pure: the job's type, the workers and their load in, one line out, e.g. {@code no
 * worker has executor 'gpu'} or {@code all 2 workers busy (20 of 20 slots)}.
 */
public final class WaitReason {

  private WaitReason() {}

  /**
   * @param taskType the job's executor
   * @param workers the registered workers
   * @param inFlight tasks in flight per worker id
   * @param position the job's place in the queue (0 = next), when it is in the queue
   */
  public static String explain(
      String taskType,
      List<WorkerNode> workers,
      Map<String, Integer> inFlight,
      OptionalInt position) {
    if (workers.isEmpty()) {
      return "no worker is registered";
    }
    List<WorkerNode> capable = workers.stream().filter(w -> w.canRun(taskType)).toList();
    if (capable.isEmpty()) {
      return "no worker has executor '" + taskType + "'";
    }
    List<String> reasons = new ArrayList<>();
    int busy = 0;
    int used = 0;
    int slots = 0;
    boolean free = false;
    for (WorkerNode worker : capable) {
      int load = inFlight.getOrDefault(worker.id(), 0);
      if (worker.takesNoWork()) {
        reasons.add(worker.id() + " draining");
      } else if (worker.unreachable()) {
        reasons.add(worker.id() + " unreachable until its next heartbeat");
      } else if (load >= worker.maxConcurrentTasks()) {
        busy++;
        used += load;
        slots += worker.maxConcurrentTasks();
      } else {
        free = true;
      }
    }
    if (free) {
      return position.isPresent() && position.getAsInt() > 0
          ? "in the queue behind " + position.getAsInt() + " job(s)"
          : "a worker has a free slot: being dispatched";
    }
    if (busy > 0) {
      String who =
          busy == capable.size()
              ? (busy == 1 ? "the only worker" : "all " + busy + " workers")
              : busy + " worker(s)";
      reasons.add(0, who + " busy (" + used + " of " + slots + " slots)");
    }
    int lacking = workers.size() - capable.size();
    if (lacking > 0) {
      reasons.add(lacking + " worker(s) without executor '" + taskType + "'");
    }
    return String.join("; ", reasons);
  }

  /** A job waiting out its retry backoff: why it is retried, and when. */
  public static String backoff(String why, Instant due, Instant now) {
    long seconds = Math.max(0, Duration.between(now, due).toSeconds());
    String reason =
        why == null || why.isBlank() ? "retrying" : why.replaceAll("; retrying in \\d+ s$", "");
    return reason + "; next attempt in " + seconds + " s";
  }
}
