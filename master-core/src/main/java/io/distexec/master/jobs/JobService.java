package io.distexec.master.jobs;

import io.distexec.executor.InvalidTaskException.Violation;
import io.distexec.master.scheduling.JobQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
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
  private final Intake intake;
  private final JobValidator validator;
  private final Canceller canceller;
  private final JobEvents events;
  private final Clock clock;
  private final Function<Job, Optional<String>> waiting;

  /** Cancels a job that runs on a worker. */
  @FunctionalInterface
  public interface Canceller {
    void cancel(String jobId, String reason);
  }

  /**
   * @param onQueued called after a job joined the queue (wakes the dispatcher)
   * @param canceller cancels dispatched and running jobs on their workers
   */
  public JobService(
      JobStore store,
      JobQueue queue,
      JobValidator validator,
      Runnable onQueued,
      Canceller canceller,
      JobEvents events,
      Clock clock) {
    this(store, queue, validator, onQueued, canceller, events, clock, job -> Optional.empty());
  }

  /**
   * @param onQueued called after a job joined the queue (wakes the dispatcher)
   * @param canceller cancels dispatched and running jobs on their workers
   * @param waiting says why a queued job waits (the dispatcher knows)
   */
  public JobService(
      JobStore store,
      JobQueue queue,
      JobValidator validator,
      Runnable onQueued,
      Canceller canceller,
      JobEvents events,
      Clock clock,
      Function<Job, Optional<String>> waiting) {
    this(store, Intake.of(queue, onQueued), validator, canceller, events, clock, waiting);
  }

  /**
   * @param intake where stored jobs go, and who holds their permits (the leader's queue, or the
   *     store alone on a standby)
   * @param canceller cancels dispatched and running jobs on their workers
   * @param waiting says why a queued job waits (the dispatcher knows)
   */
  public JobService(
      JobStore store,
      Intake intake,
      JobValidator validator,
      Canceller canceller,
      JobEvents events,
      Clock clock,
      Function<Job, Optional<String>> waiting) {
    this.store = store;
    this.intake = intake;
    this.validator = validator;
    this.canceller = canceller;
    this.events = events;
    this.clock = clock;
    this.waiting = waiting;
  }

  /** The bounds on every part of a job. */
  public JobLimits limits() {
    return validator.limits();
  }

  /** Why a queued job waits, in words for its user; empty for a job that does not wait. */
  public Optional<String> waiting(Job job) {
    return waiting.apply(job);
  }

  /**
   * Accepts a job: validates, stores it QUEUED, queues it.
   *
   * @throws InvalidJobException naming the fields to fix
   * @throws QueueFullException when MAX_CONCURRENT_JOBS jobs are unfinished
   */
  public Job submit(JobSpec spec) throws InvalidJobException, QueueFullException {
    try {
      return submit(spec, RetryPolicy.NONE, null).job();
    } catch (IdempotencyConflictException e) {
      throw new IllegalStateException("no key was given", e);
    }
  }

  /** A submit's answer: the job, and whether it was created now or found by its idempotency key. */
  public record Submitted(Job job, boolean replayed) {}

  /**
   * Accepts a job: validates, stores it QUEUED, queues it. With an idempotency key, a repeat of an
   * earlier request returns the job that request created.
   *
   * @param idempotencyKey makes the submit safe to repeat, or {@code null}
   * @throws InvalidJobException naming the fields to fix
   * @throws QueueFullException when MAX_CONCURRENT_JOBS jobs are unfinished
   * @throws IdempotencyConflictException when the key was used for a different request
   */
  public Submitted submit(JobSpec asked, RetryPolicy retry, String idempotencyKey)
      throws InvalidJobException, QueueFullException, IdempotencyConflictException {
    return submit(asked, retry, idempotencyKey, null);
  }

  /**
   * Accepts a job for {@code owner}. Idempotency keys are the owner's own: the same key from
   * another caller is another request, and never returns the first caller's job.
   *
   * @param owner the authenticated caller's name, recorded with the job, or {@code null}
   */
  public Submitted submit(JobSpec asked, RetryPolicy retry, String idempotencyKey, String owner)
      throws InvalidJobException, QueueFullException, IdempotencyConflictException {
    checkKey(idempotencyKey);
    validator.validate(asked, retry);
    JobSpec spec = validator.limits().withDefaultTimeout(asked);
    IdempotencyKey key = key(idempotencyKey, owner, spec, retry);
    Job job = Job.queued(UUID.randomUUID().toString(), spec, retry, clock.instant(), owner);
    if (!intake.admit(job.id())) {
      throw new QueueFullException(intake.capacity());
    }
    Job stored;
    try {
      // The store keeps keys with their jobs, so a repeat is recognised after a master restart too.
      stored = store.insert(job, key);
    } catch (IdempotencyConflictException e) {
      intake.release(job.id());
      // Said with the key as the caller gave it, not as the store keeps it (owner-scoped).
      throw new IdempotencyConflictException(idempotencyKey, e.jobId());
    } catch (RuntimeException e) {
      intake.release(job.id());
      throw e;
    }
    LOG.fine(() -> "accepted job " + job.id() + " " + spec);
    return settle(job, stored);
  }

  /** One job of a batch: what to run, and when to run it again. */
  public record Request(JobSpec spec, RetryPolicy retry) {}

  /**
   * Accepts jobs all together or none, with one commit: the way to submit many. Each is validated
   * and stored as {@link #submit} would; a violation is named by the job's place ({@code
   * jobs[3].command}). With an idempotency key, job {@code i} is stored with the key {@code key/i},
   * so a repeat of the whole batch returns its jobs.
   *
   * @throws InvalidJobException for an empty or too large batch, or any invalid job (nothing is
   *     stored)
   * @throws QueueFullException when the queue has no room for all of them (none is queued)
   * @throws IdempotencyConflictException when the key was used for a different batch
   */
  public List<Submitted> submitAll(List<Request> requests, String idempotencyKey, String owner)
      throws InvalidJobException, QueueFullException, IdempotencyConflictException {
    checkKey(idempotencyKey);
    if (requests.isEmpty() || requests.size() > JobLimits.MAX_BATCH_JOBS) {
      throw InvalidJobException.of(
          "jobs",
          "must hold from 1 to " + JobLimits.MAX_BATCH_JOBS + " jobs, got " + requests.size());
    }
    List<Violation> violations = new ArrayList<>();
    List<JobStore.NewJob> jobs = new ArrayList<>(requests.size());
    Instant now = clock.instant();
    for (int i = 0; i < requests.size(); i++) {
      Request request = requests.get(i);
      try {
        validator.validate(request.spec(), request.retry());
      } catch (InvalidJobException e) {
        for (Violation v : e.violations()) {
          violations.add(new Violation("jobs[" + i + "]." + v.field(), v.message()));
        }
        continue;
      }
      JobSpec spec = validator.limits().withDefaultTimeout(request.spec());
      jobs.add(
          new JobStore.NewJob(
              Job.queued(UUID.randomUUID().toString(), spec, request.retry(), now, owner),
              idempotencyKey == null || idempotencyKey.isBlank()
                  ? null
                  : key(idempotencyKey + "/" + i, owner, spec, request.retry())));
    }
    if (!violations.isEmpty()) {
      // A bound on the answer too: the first few say what to fix.
      throw new InvalidJobException(
          violations.size() <= MAX_VIOLATIONS_SHOWN
              ? violations
              : violations.subList(0, MAX_VIOLATIONS_SHOWN));
    }
    List<String> admitted = new ArrayList<>(jobs.size());
    for (JobStore.NewJob j : jobs) {
      if (!intake.admit(j.job().id())) {
        admitted.forEach(intake::release);
        throw new QueueFullException(intake.capacity());
      }
      admitted.add(j.job().id());
    }
    List<Job> stored;
    try {
      stored = store.insertAll(jobs);
    } catch (IdempotencyConflictException e) {
      admitted.forEach(intake::release);
      throw new IdempotencyConflictException(idempotencyKey, e.jobId());
    } catch (RuntimeException e) {
      admitted.forEach(intake::release);
      throw e;
    }
    List<Submitted> submitted = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      submitted.add(settle(jobs.get(i).job(), stored.get(i)));
    }
    LOG.fine(() -> "accepted a batch of " + jobs.size() + " jobs");
    return submitted;
  }

  /**
   * At most this many violations are named when a batch is refused (here and by the REST reader).
   */
  public static final int MAX_VIOLATIONS_SHOWN = 20;

  private static void checkKey(String idempotencyKey) throws InvalidJobException {
    if (idempotencyKey != null && idempotencyKey.length() > JobLimits.MAX_IDEMPOTENCY_KEY_CHARS) {
      throw InvalidJobException.of(
          "Idempotency-Key",
          "must be at most "
              + JobLimits.MAX_IDEMPOTENCY_KEY_CHARS
              + " characters, got "
              + idempotencyKey.length());
    }
  }

  /** The key as the store keeps it: the owner's own (another caller's same key is another). */
  private static IdempotencyKey key(
      String idempotencyKey, String owner, JobSpec spec, RetryPolicy retry) {
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      return null;
    }
    return new IdempotencyKey(
        owner == null ? idempotencyKey : owner.length() + ":" + owner + ":" + idempotencyKey,
        spec.fingerprint(retry));
  }

  /** A stored job queued, or an earlier one (a repeat) let go of the permit taken for it. */
  private Submitted settle(Job job, Job stored) {
    if (stored != job) {
      intake.release(job.id()); // a repeat: nothing new was accepted
      return new Submitted(stored, true);
    }
    intake.queued(job);
    return new Submitted(job, false);
  }

  /**
   * Forgets finished jobs that ended before {@code cutoff}, with their events and idempotency keys.
   *
   * @return how many jobs were removed
   */
  public int forgetFinishedBefore(Instant cutoff) {
    List<String> removed = store.deleteFinishedBefore(cutoff);
    removed.forEach(events::forget);
    return removed.size();
  }

  /** The job's stored state changes, oldest first. */
  public List<Transition> history(String id) {
    return store.history(id);
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
    return store.list(query.withLimit(limit));
  }

  /**
   * Cancels a job. A queued job ends CANCELLED here and now; a dispatched or running one is
   * cancelled on its worker and ends CANCELLED when the worker reports.
   *
   * @return the job after the request: CANCELLED, or still running with the cancel under way
   * @throws JobAlreadyEndedException when the job has ended
   */
  public Job cancel(String id, String reason)
      throws JobNotFoundException, JobAlreadyEndedException {
    String why = reason == null || reason.isBlank() ? "cancelled by user" : reason;
    Job job = get(id);
    if (job.status() == JobStatus.QUEUED) {
      Optional<Job> cancelled =
          store.update(
              id,
              j ->
                  j.status() == JobStatus.QUEUED
                      ? j.finished(
                          JobStatus.CANCELLED,
                          JobOutcome.error("cancelled: " + why),
                          clock.instant())
                      : j);
      if (cancelled.isPresent() && cancelled.get().status() == JobStatus.CANCELLED) {
        // This call made the transition, so this call gives the permit back (exactly once; the
        // dispatcher may already have dropped the id from the queue, or it waits in a retry
        // backoff).
        intake.cancelled(id);
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
