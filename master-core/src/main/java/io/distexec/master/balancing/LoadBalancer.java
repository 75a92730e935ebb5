package io.distexec.master.balancing;

import java.util.List;
import java.util.Optional;

/**
 * Chooses one worker among those that can take a task. Implementations are plain, thread-safe Java;
 * the master picks one by the {@code LOAD_BALANCER} setting.
 */
public interface LoadBalancer {

  /** The balancer's name, as used in configuration. */
  String name();

  /**
   * Picks a worker.
   *
   * @param candidates workers that can run the task and have a free slot, sorted by id; never empty
   *     when called by the scheduler, but implementations must tolerate an empty list
   * @return the chosen worker, or empty when the list is empty
   */
  Optional<Candidate> select(List<Candidate> candidates);
}
