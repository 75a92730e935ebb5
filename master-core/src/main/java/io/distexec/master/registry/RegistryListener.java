package io.distexec.master.registry;

/**
 * Told when membership changes, so that the dispatcher can react (place queued jobs, fail lost
 * ones).
 */
public interface RegistryListener {

  /** A worker registered, re-registered, or changed its draining state. */
  void workerAvailable(WorkerNode worker);

  /**
   * A worker left on purpose ({@code dead == false}) or missed heartbeats ({@code dead == true}).
   */
  void workerGone(WorkerNode worker, boolean dead, String reason);
}
