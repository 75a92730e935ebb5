package io.distexec.master.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A job store that records every state change in the job's event log, after the change is stored:
 * the one place where state events come from, whatever made the change (submit, dispatcher,
 * cancel).
 */
public final class PublishingJobStore implements JobStore {

  private final JobStore delegate;
  private final JobEvents events;

  public PublishingJobStore(JobStore delegate, JobEvents events) {
    this.delegate = delegate;
    this.events = events;
  }

  @Override
  public Job insert(Job job, IdempotencyKey key) throws IdempotencyConflictException {
    Job stored = delegate.insert(job, key);
    if (stored == job) {
      events.state(job);
    }
    return stored;
  }

  @Override
  public Optional<Job> find(String id) {
    return delegate.find(id);
  }

  @Override
  public Optional<Job> update(String id, UnaryOperator<Job> change) {
    JobStatus[] before = new JobStatus[1];
    Optional<Job> after = delegate.update(id, job -> {
      before[0] = job.status();
      return change.apply(job);
    });
    after.filter(job -> job.status() != before[0]).ifPresent(events::state);
    return after;
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
