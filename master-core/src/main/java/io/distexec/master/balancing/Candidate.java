package io.distexec.master.balancing;

/**
 * A worker that could take a task now, as a balancer sees it.
 *
 * @param workerId the worker
 * @param inFlight tasks the master has sent it that have not ended
 * @param capacity how many tasks it runs at once
 */
public record Candidate(String workerId, int inFlight, int capacity) {

  public int freeSlots() {
    return capacity - inFlight;
  }
}
