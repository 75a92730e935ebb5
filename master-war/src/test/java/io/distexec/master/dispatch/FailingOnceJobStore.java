package io.distexec.master.dispatch;

import io.distexec.master.jobs.IdempotencyConflictException;
import io.distexec.master.jobs.IdempotencyKey;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobQuery;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.Page;
import io.distexec.master.jobs.Transition;
import io.distexec.master.store.StoreException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A real in-memory store that can be told to fail the next change into one state, as a database
 * does now and then (H2 once failed a commit with "Chunk N not found"). Not a database.
 */
final class FailingOnceJobStore implements JobStore {

  private final JobStore delegate;
  private final AtomicReference<JobStatus> failNextMoveTo = new AtomicReference<>();

  FailingOnceJobStore(JobStore delegate) {
    this.delegate = delegate;
  }

  /** The next change that would move a job to {@code status} throws instead, once. */
  void failNextMoveTo(JobStatus status) {
    failNextMoveTo.set(status);
  }

  @Override
  public Optional<Job> update(String id, UnaryOperator<Job> change) {
    return delegate.update(id, job -> {
      Job next = change.apply(job);
      if (next.status() != job.status() && failNextMoveTo.compareAndSet(next.status(), null)) {
        throw new StoreException(new SQLException("the database failed this write (FailingOnceJobStore)"));
      }
      return next;
    });
  }

  @Override
  public Job insert(Job job, IdempotencyKey key) throws IdempotencyConflictException {
    return delegate.insert(job, key);
  }

  @Override
  public Optional<Job> find(String id) {
    return delegate.find(id);
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
  public void forEachUnfinished(Consumer<Job> action) {
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
