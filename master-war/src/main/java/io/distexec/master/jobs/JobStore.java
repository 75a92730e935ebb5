package io.distexec.master.jobs;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where jobs are kept. Implementations are thread-safe; {@link #update} is atomic per job, so two
 * reports about the same job cannot interleave.
 */
public interface JobStore {

  /** Stores a new job; its id must be unused. */
  void insert(Job job);

  Optional<Job> find(String id);

  /**
   * Replaces a job with {@code change} applied to its stored value, atomically.
   *
   * @return the stored new value, or empty when no such job exists
   * @throws IllegalStateException when {@code change} refuses the transition
   */
  Optional<Job> update(String id, UnaryOperator<Job> change);

  /** Newest first; {@code status} may be {@code null} for all. */
  List<Job> list(JobStatus status, int limit);

  /** Jobs that have not reached a terminal state. */
  long countUnfinished();
}
