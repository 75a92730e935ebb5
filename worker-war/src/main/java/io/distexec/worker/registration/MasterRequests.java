package io.distexec.worker.registration;

/** What the master may ask of this worker in its heartbeat answers. */
public interface MasterRequests {

  /** Take no new work, finish what runs, then deregister (an operator's drain). */
  void drain();

  /**
   * Take no new work and report not ready, staying registered: the autoscaler is about to lower the
   * replicas, and Kubernetes removes not-ready pods first.
   */
  void hold();

  /** Take work again: the autoscaler called its scale-in off. */
  void release();
}
