package io.distexec.master.jobs;

import java.util.List;
import java.util.Optional;
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
  public void insert(Job job) {
    delegate.insert(job);
    events.state(job);
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
  public Page list(JobQuery query) {
    return delegate.list(query);
  }

  @Override
  public List<String> deleteFinishedBefore(java.time.Instant cutoff) {
    return delegate.deleteFinishedBefore(cutoff);
  }

  @Override
  public long countUnfinished() {
    return delegate.countUnfinished();
  }

}
