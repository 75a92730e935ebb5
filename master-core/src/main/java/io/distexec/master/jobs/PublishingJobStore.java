package io.distexec.master.jobs;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A job store that records every state change in the job's event log, after the change is stored:
 * the one place where state events come from, whatever made the change (submit, dispatcher,
 * cancel).
 */
public final class PublishingJobStore extends ForwardingJobStore {

  private final JobEvents events;

  public PublishingJobStore(JobStore delegate, JobEvents events) {
    super(delegate);
    this.events = events;
  }

  @Override
  public Job insert(Job job, IdempotencyKey key) throws IdempotencyConflictException {
    Job stored = super.insert(job, key);
    if (stored == job) {
      events.state(job);
    }
    return stored;
  }

  @Override
  public List<Job> insertAll(List<NewJob> jobs) throws IdempotencyConflictException {
    List<Job> stored = super.insertAll(jobs);
    for (int i = 0; i < stored.size(); i++) {
      if (stored.get(i) == jobs.get(i).job()) {
        events.state(stored.get(i));
      }
    }
    return stored;
  }

  @Override
  public Optional<Job> update(String id, UnaryOperator<Job> change) {
    JobStatus[] before = new JobStatus[1];
    Optional<Job> after =
        super.update(
            id,
            job -> {
              before[0] = job.status();
              return change.apply(job);
            });
    after.filter(job -> job.status() != before[0]).ifPresent(events::state);
    return after;
  }
}
