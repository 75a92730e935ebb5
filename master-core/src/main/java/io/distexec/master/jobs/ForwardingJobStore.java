package io.distexec.master.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A job store that hands every call to another one; a subclass overrides only what it adds to
 * (publishing events, in tests failing on purpose).
 */
public abstract class ForwardingJobStore implements JobStore {

  private final JobStore delegate;

  protected ForwardingJobStore(JobStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public Job insert(Job job, IdempotencyKey key) throws IdempotencyConflictException {
    return delegate.insert(job, key);
  }

  @Override
  public List<Job> insertAll(List<NewJob> jobs) throws IdempotencyConflictException {
    return delegate.insertAll(jobs);
  }

  @Override
  public Optional<Job> find(String id) {
    return delegate.find(id);
  }

  @Override
  public Optional<Job> update(String id, UnaryOperator<Job> change) {
    return delegate.update(id, change);
  }

  @Override
  public List<Transition> history(String id) {
    return delegate.history(id);
  }

  @Override
  public Page list(JobQuery query) {
    return delegate.list(query);
  }

  @Override
  public boolean failUnreadable(String id, String reason) {
    return delegate.failUnreadable(id, reason);
  }

  @Override
  public void forEachUnfinished(Consumer<UnfinishedJob> action) {
    delegate.forEachUnfinished(action);
  }

  @Override
  public List<String> deleteFinishedBefore(Instant cutoff) {
    return delegate.deleteFinishedBefore(cutoff);
  }

  @Override
  public long countUnfinished() {
    return delegate.countUnfinished();
  }

  @Override
  public void check() {
    delegate.check();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
