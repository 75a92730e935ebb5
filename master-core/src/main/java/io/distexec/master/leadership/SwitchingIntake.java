package io.distexec.master.leadership;

import io.distexec.master.jobs.Intake;
import io.distexec.master.jobs.Job;
import io.distexec.master.scheduling.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The intake of a master that may lead or stand by. Leading, a job joins its queue, holding a
 * permit there. Standing by, it stays in the store alone (which announces it to the leader), and
 * admission is judged by the store's count of unfinished jobs, read at most once a second: the
 * bound of MAX_CONCURRENT_JOBS holds across masters within that second's submits.
 */
public final class SwitchingIntake implements Intake {

  static final Duration COUNT_FRESHNESS = Duration.ofSeconds(1);

  private final BooleanSupplier leading;
  private final JobQueue queue;
  private final Intake leader;
  private final Runnable wake;
  private final LongSupplier unfinishedInStore;
  private final Clock clock;
  private long counted;
  private Instant countedAt = Instant.MIN;

  public SwitchingIntake(
      BooleanSupplier leading,
      JobQueue queue,
      Runnable wake,
      LongSupplier unfinishedInStore,
      Clock clock) {
    this.leading = leading;
    this.queue = queue;
    this.leader = Intake.of(queue, wake);
    this.wake = wake;
    this.unfinishedInStore = unfinishedInStore;
    this.clock = clock;
  }

  @Override
  public boolean admit(String jobId) {
    if (leading.getAsBoolean()) {
      return leader.admit(jobId);
    }
    return unfinished() < queue.capacity();
  }

  private synchronized long unfinished() {
    Instant now = clock.instant();
    if (now.isAfter(countedAt.plus(COUNT_FRESHNESS))) {
      counted = unfinishedInStore.getAsLong();
      countedAt = now;
    }
    return counted++;
  }

  @Override
  public void release(String jobId) {
    leader.release(jobId); // a no-op for a job admitted while standing by
  }

  @Override
  public void queued(Job job) {
    if (!leading.getAsBoolean()) {
      return; // the store announced it: the leader queues it
    }
    // Admitted here while standing by, it holds no permit yet: take one, once.
    if (queue.holds(job.id()) || queue.admitRecovered(job.id())) {
      queue.add(job.id(), job.spec().type());
      wake.run();
    }
  }

  @Override
  public void cancelled(String jobId) {
    leader.cancelled(jobId);
  }

  @Override
  public int capacity() {
    return leader.capacity();
  }
}
