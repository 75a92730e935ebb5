package io.distexec.master.grpc;

import io.distexec.master.jobs.ForwardingJobStore;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.store.StoreException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A real in-memory store that can be told to fail the next change into one state, as a database
 * does now and then (H2 once failed a commit with "Chunk N not found"). Not a database.
 */
final class FailingOnceJobStore extends ForwardingJobStore {

  private final AtomicReference<JobStatus> failNextMoveTo = new AtomicReference<>();

  FailingOnceJobStore(JobStore delegate) {
    super(delegate);
  }

  /** The next change that would move a job to {@code status} throws instead, once. */
  void failNextMoveTo(JobStatus status) {
    failNextMoveTo.set(status);
  }

  @Override
  public Optional<Job> update(String id, UnaryOperator<Job> change) {
    return super.update(
        id,
        job -> {
          Job next = change.apply(job);
          if (next.status() != job.status() && failNextMoveTo.compareAndSet(next.status(), null)) {
            throw new StoreException(
                new SQLException("the database failed this write (FailingOnceJobStore)"));
          }
          return next;
        });
  }
}
