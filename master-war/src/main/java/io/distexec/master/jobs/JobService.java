package io.distexec.master.jobs;

import io.distexec.master.scheduling.JobQueue;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The use cases of the job API: submit, get and list. A job is stored before it is acknowledged,
 * and it holds one of {@code MAX_CONCURRENT_JOBS} permits until it ends.
 */
public final class JobService {

  private static final Logger LOG = Logger.getLogger(JobService.class.getName());
  public static final int DEFAULT_LIST_LIMIT = 100;
  public static final int MAX_LIST_LIMIT = 1000;

  private final JobStore store;
  private final JobQueue queue;
  private final JobValidator validator;
  private final Runnable onQueued;
  private final Canceller canceller;
  private final Clock clock;

  /** Cancels a job that runs on a worker. */
  @FunctionalInterface
  public interface Canceller {
    void cancel(String jobId, String reason);
  }

  /**
   * @param onQueued called after a job joined the queue (wakes the dispatcher)
   * @param canceller cancels dispatched and running jobs on their workers
   */
  public JobService(JobStore store, JobQueue queue, JobValidator validator, Runnable onQueued, Canceller canceller,
      Clock clock) {
    this.store = store;
    this.queue = queue;
    this.validator = validator;
    this.onQueued = onQueued;
    this.canceller = canceller;
    this.clock = clock;
  }

  /**
   * Accepts a job: validates, stores it QUEUED, queues it.
   *
   * @throws InvalidJobException naming the fields to fix
   * @throws QueueFullException when MAX_CONCURRENT_JOBS jobs are unfinished
   */
  public Job submit(JobSpec spec) throws InvalidJobException, QueueFullException {
    validator.validate(spec);
    if (!queue.admit()) {
      throw new QueueFullException(queue.capacity());
    }
    Job job = Job.queued(UUID.randomUUID().toString(), spec, clock.instant());
    try {
      store.insert(job);
    } catch (RuntimeException e) {
      queue.release();
      throw e;
    }
    queue.add(job.id());
    LOG.fine(() -> "accepted job " + job.id() + " " + spec);
    onQueued.run();
    return job;
  }

  public Job get(String id) throws JobNotFoundException {
    return store.find(id).orElseThrow(() -> new JobNotFoundException(id));
  }

  /**
   * A page of jobs, newest first. A limit of 0 or less means {@value #DEFAULT_LIST_LIMIT}; limits
   * are capped at {@value #MAX_LIST_LIMIT}.
   */
  public Page list(JobQuery query) {
    int limit = query.limit() <= 0 ? DEFAULT_LIST_LIMIT : Math.min(query.limit(), MAX_LIST_LIMIT);
    return store.list(new JobQuery(query.status(), query.workerId(), query.since(), limit, query.cursor()));
  }

  /** The first page of jobs in a state (or all), newest first. */
  public List<Job> list(JobStatus status, int limit) {
    return list(JobQuery.first(status, limit)).jobs();
  }

  /**
   * Cancels a job. A queued job ends CANCELLED here and now; a dispatched or running one is
   * cancelled on its worker and ends CANCELLED when the worker reports.
   *
   * @return the job after the request: CANCELLED, or still running with the cancel under way
   * @throws JobAlreadyEndedException when the job has ended
   */
  public Job cancel(String id, String reason) throws JobNotFoundException, JobAlreadyEndedException {
    String why = reason == null || reason.isBlank() ? "cancelled by user" : reason;
    Job job = get(id);
    if (job.status() == JobStatus.QUEUED) {
      Optional<Job> cancelled = store.update(id, j -> j.status() == JobStatus.QUEUED
          ? j.finished(JobStatus.CANCELLED, JobOutcome.error("cancelled: " + why), clock.instant()) : j);
      if (cancelled.isPresent() && cancelled.get().status() == JobStatus.CANCELLED) {
        if (queue.remove(id)) {
          queue.release();
        }
        return cancelled.get();
      }
      job = get(id); // dispatched meanwhile: cancel it on its worker
    }
    if (job.status().isTerminal()) {
      throw new JobAlreadyEndedException(job);
    }
    canceller.cancel(id, why);
    return job;
  }
}
