package io.distexec.master.dispatch;

import io.distexec.master.registry.WorkerNode;
import java.util.function.Consumer;

/**
 * How the dispatcher talks to workers. The implementation (gRPC, in master-war) is the only part of
 * dispatching that knows the wire: it sends, and it turns what comes back into {@link
 * AttemptEvent}s, in order, on one attempt's listener at a time.
 */
public interface WorkerPort {

  /** A call in progress, which the master can abandon (the worker's task is not told). */
  interface Call {
    /** Ends the call on the master's side; its listener then sees a {@link AttemptEvent.Failed}. */
    void abandon(String reason);
  }

  /** Sends an attempt to a worker and reports its events to {@code listener}. */
  Call execute(WorkerNode worker, TaskRequest request, Consumer<AttemptEvent> listener);

  /** Follows an attempt a worker already runs (after a master restart). */
  Call attach(WorkerNode worker, String taskId, Consumer<AttemptEvent> listener);

  /** Asks a worker to cancel a task; best effort, the task's result says how it ended. */
  void cancel(WorkerNode worker, String taskId, String reason);

  /** The worker left or died: release what the port keeps for it. */
  void forget(String workerId, boolean dead);
}
