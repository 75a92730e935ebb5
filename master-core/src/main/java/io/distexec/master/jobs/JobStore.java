package io.distexec.master.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Where jobs are kept, with each job's history of state changes and its idempotency key.
 * Implementations are thread-safe; {@link #update} is atomic per job, so two reports about the same
 * job cannot interleave, and a change and its history entry are stored together.
 */
public interface JobStore extends AutoCloseable {

  /** Stores a new job; its id must be unused. */
  default void insert(Job job) {
    try {
      insert(job, null);
    } catch (IdempotencyConflictException e) {
      throw new IllegalStateException("no key was given", e);
    }
  }

  /**
   * Stores a new job, unless {@code key} was stored before: then nothing is stored and the job
   * stored with that key is returned.
   *
   * @param key the request's idempotency key, or {@code null}
   * @return {@code job}, or the earlier job with the same key and fingerprint
   * @throws IdempotencyConflictException when the key was stored with another fingerprint
   */
  Job insert(Job job, IdempotencyKey key) throws IdempotencyConflictException;

  /** A new job and the idempotency key to store it with ({@code null}: none). */
  record NewJob(Job job, IdempotencyKey key) {}

  /**
   * Stores new jobs all together or not at all, each as {@link #insert(Job, IdempotencyKey)} would:
   * one commit for the lot, which is what makes a batch cheaper than its jobs one by one.
   *
   * @return per job, in order: the job, or the earlier job stored with its key
   * @throws IdempotencyConflictException when a key was stored with another fingerprint (nothing is
   *     stored)
   */
  List<Job> insertAll(List<NewJob> jobs) throws IdempotencyConflictException;

  Optional<Job> find(String id);

  /**
   * Replaces a job with {@code change} applied to its stored value, atomically; a change of state
   * is added to the job's history in the same step.
   *
   * @return the stored new value, or empty when no such job exists
   * @throws IllegalStateException when {@code change} refuses the transition
   */
  Optional<Job> update(String id, UnaryOperator<Job> change);

  /**
   * Ends a job whose stored content cannot be read FAILED with {@code reason}, without reading it;
   * does nothing to a job that has ended.
   *
   * @return whether this call ended it
   */
  boolean failUnreadable(String id, String reason);

  /** The job's state changes, oldest first; empty for an unknown job. */
  List<Transition> history(String id);

  /**
   * Newest first, a page at a time.
   *
   * @throws InvalidCursorException when the query's cursor was not handed out by this store
   */
  Page list(JobQuery query);

  /**
   * Calls {@code action} with every job that has not reached a terminal state, oldest first: only
   * the fields recovery needs, so that no stored row, however large, is read whole.
   */
  void forEachUnfinished(Consumer<UnfinishedJob> action);

  /**
   * Removes jobs that reached a terminal state before {@code cutoff}, with their history and keys.
   *
   * @return their ids
   */
  List<String> deleteFinishedBefore(Instant cutoff);

  /**
   * The store as the leading master writes to it: where several masters share it, a change made
   * through the returned store is refused ({@link FencedException}) once a newer leadership term
   * than {@code term}'s exists. A store only one master can use returns itself.
   */
  default JobStore fencedBy(LongSupplier term) {
    return this;
  }

  /** Jobs that have not reached a terminal state. */
  long countUnfinished();

  /**
   * Checks that the store answers (readiness).
   *
   * @throws RuntimeException saying why when it does not
   */
  default void check() {}

  /** Releases connections; the default does nothing. */
  @Override
  default void close() {}
}
