package io.distexec.master.jobs;

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

  /**
   * Newest first, a page at a time.
   *
   * @throws InvalidCursorException when the query's cursor was not handed out by this store
   */
  Page list(JobQuery query);

  /**
   * Removes jobs that reached a terminal state before {@code cutoff}.
   *
   * @return their ids
   */
  java.util.List<String> deleteFinishedBefore(java.time.Instant cutoff);

  /** Jobs that have not reached a terminal state. */
  long countUnfinished();
}
