package io.distexec.master.scheduling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs waiting for a worker, in arrival order, and the bound on unfinished jobs ({@code
 * MAX_CONCURRENT_JOBS}): a job holds one permit from admission until it ends, whether it waits here
 * or runs. When no permit is left, submits are refused instead of accepted and dropped.
 */
public final class JobQueue {

  private final int capacity;
  private final Semaphore permits;
  private final Deque<String> waiting = new ArrayDeque<>();

  /** Permits taken beyond the capacity by jobs recovered at start; paid back first as jobs end. */
  private final AtomicInteger overdraft = new AtomicInteger();

  public JobQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("MAX_CONCURRENT_JOBS must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.permits = new Semaphore(capacity);
  }

  /** Takes a permit for a new job; false when {@code capacity} jobs are unfinished. */
  public boolean admit() {
    return permits.tryAcquire();
  }

  /**
   * Takes a permit for a job recovered from the store at start, even beyond the capacity (the
   * capacity may have been lowered meanwhile): an accepted job is never dropped.
   */
  public void admitRecovered() {
    if (!permits.tryAcquire()) {
      overdraft.incrementAndGet();
    }
  }

  /** Gives back the permit of a job that ended (or was never stored). */
  public void release() {
    if (overdraft.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 0) {
      permits.release();
    }
  }

  public synchronized void add(String jobId) {
    waiting.addLast(jobId);
  }

  /** Puts back a job that a worker refused before starting it; it keeps its place at the front. */
  public synchronized void addFirst(String jobId) {
    waiting.addFirst(jobId);
  }

  /** The first {@code n} waiting jobs, in order. */
  public synchronized List<String> head(int n) {
    return waiting.stream().limit(n).toList();
  }

  /** How many jobs wait ahead of this one (0 = next), or empty when it is not in the queue. */
  public synchronized OptionalInt position(String jobId) {
    int i = 0;
    for (String id : waiting) {
      if (id.equals(jobId)) {
        return OptionalInt.of(i);
      }
      i++;
    }
    return OptionalInt.empty();
  }

  public synchronized boolean remove(String jobId) {
    return waiting.remove(jobId);
  }

  public synchronized int waiting() {
    return waiting.size();
  }

  public int capacity() {
    return capacity;
  }

  /** Jobs admitted and not yet ended. */
  public int unfinished() {
    return capacity - permits.availablePermits() + overdraft.get();
  }
}
