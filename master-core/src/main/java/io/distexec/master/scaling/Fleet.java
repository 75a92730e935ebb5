package io.distexec.master.scaling;

import java.time.Instant;
import java.util.List;

/**
 * The worker pool as the scaler sees it at one moment: what the master knows (queued jobs, the
 * registered workers and their tasks) and what Kubernetes says (the replicas asked for, which pods
 * are ready).
 *
 * @param replicas the worker Deployment's replicas as last set: workers running, starting or
 *     leaving
 * @param queued jobs waiting for a slot
 * @param workers the registered workers
 */
public record Fleet(Instant now, int replicas, int queued, List<Worker> workers) {

  /**
   * A registered worker.
   *
   * @param id its id, which is its pod's name on Kubernetes
   * @param running the tasks it runs now
   * @param draining whether it takes no new work
   * @param ready whether its pod is ready (a draining worker reports not ready)
   * @param idleSince since when it has run nothing; {@code null} while it runs something
   */
  public record Worker(
      String id, int slots, int running, boolean draining, boolean ready, Instant idleSince) {

    boolean busy() {
      return running > 0;
    }
  }

  public Fleet {
    workers = List.copyOf(workers);
  }

  /** Workers that take new work. */
  List<Worker> serving() {
    return workers.stream().filter(w -> !w.draining()).toList();
  }

  /** Pods asked for that have not registered yet (starting). */
  int starting() {
    return Math.max(0, replicas - workers.size());
  }

  int freeSlots() {
    return serving().stream().mapToInt(w -> Math.max(0, w.slots() - w.running())).sum();
  }
}
