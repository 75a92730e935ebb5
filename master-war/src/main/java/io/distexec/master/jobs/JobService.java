package io.distexec.master.jobs;

import io.distexec.master.scheduling.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
  private final Clock clock;

  /**
   * @param onQueued called after a job joined the queue (wakes the dispatcher)
   */
  public JobService(JobStore store, JobQueue queue, JobValidator validator, Runnable onQueued, Clock clock) {
    this.store = store;
    this.queue = queue;
    this.validator = validator;
    this.onQueued = onQueued;
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

  /**
   * Waits until the job has ended or {@code timeout} has passed, and returns it as it is then.
   * Polls the store, starting fast and backing off, so that short jobs return within milliseconds.
   */
  public Job await(String id, Duration timeout) throws JobNotFoundException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 1;
    Job job = get(id);
    while (!job.status().isTerminal() && System.nanoTime() < deadline) {
      Thread.sleep(pauseMillis);
      pauseMillis = Math.min(pauseMillis * 2, 50);
      job = get(id);
    }
    return job;
  }

  public Job get(String id) throws JobNotFoundException {
    return store.find(id).orElseThrow(() -> new JobNotFoundException(id));
  }

  /**
   * @param status only jobs in this state, or {@code null} for all
   * @param limit at most this many; 0 or less means {@value #DEFAULT_LIST_LIMIT}; capped at
   *     {@value #MAX_LIST_LIMIT}
   */
  public List<Job> list(JobStatus status, int limit) {
    int bounded = limit <= 0 ? DEFAULT_LIST_LIMIT : Math.min(limit, MAX_LIST_LIMIT);
    return store.list(status, bounded);
  }
}
