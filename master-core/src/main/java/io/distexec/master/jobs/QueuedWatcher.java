package io.distexec.master.jobs;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A watcher that sends a job's events to a remote client (an SSE stream, a gRPC WatchJob call)
 * without ever blocking the thread that produced them: events wait in a bounded queue and one task
 * on the given executor at a time sends them, as fast as the client is {@linkplain #ready() ready}.
 * A client more than {@link #MAX_QUEUED_BYTES} behind (or {@link #MAX_QUEUED} events) is dropped;
 * it resumes from the last sequence it saw and loses nothing stored.
 */
public abstract class QueuedWatcher implements JobEvents.Watcher {

  public static final int MAX_QUEUED = 10_000;

  /**
   * Bytes a client may fall behind by: enough for the replay of a job's whole kept output (two
   * streams at the largest OUTPUT_CAP_BYTES), so a resuming client is never dropped for it.
   */
  public static final long MAX_QUEUED_BYTES = 9L * 1024 * 1024;

  /**
   * Bytes all clients together may fall behind by: past it, the client whose event does not fit is
   * dropped (and resumes later), so stalled clients cannot fill the master's heap however many
   * there are.
   */
  public static final long MAX_TOTAL_QUEUED_BYTES = 64L * 1024 * 1024;

  private static final AtomicLong TOTAL_QUEUED = new AtomicLong();

  /** What an event costs in the queue besides its output bytes. */
  static final int EVENT_OVERHEAD_BYTES = 128;

  private static final Object END = new Object();

  private final Executor executor;
  private final Deque<Object> queue = new ArrayDeque<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private boolean ended;
  private boolean overflowed;
  private long queuedBytes;
  private volatile boolean closed;
  private volatile long lastSent;

  protected QueuedWatcher(Executor executor) {
    this.executor = executor;
  }

  /**
   * Whether the client can take an event now; when it cannot, call {@link #schedule()} once it can.
   */
  protected abstract boolean ready();

  /**
   * Sends one event; may block until the client has it. A RuntimeException means the client is
   * gone.
   */
  protected abstract void send(JobEvents.Event event);

  /**
   * No more events: the job ended, or the client fell too far behind.
   *
   * @param overflowed true when the client fell too far behind
   * @param lastSent the sequence of the last event the client was sent (0 for none)
   */
  protected abstract void finish(boolean overflowed, long lastSent);

  /** The client went away while an event was being sent. */
  protected abstract void gone(RuntimeException cause);

  @Override
  public final void event(JobEvents.Event event) {
    synchronized (this) {
      if (ended) {
        return;
      }
      long size = sizeOf(event);
      if (queue.size() >= MAX_QUEUED
          || queuedBytes + size > MAX_QUEUED_BYTES
          || TOTAL_QUEUED.get() + size > MAX_TOTAL_QUEUED_BYTES) {
        overflowed = true;
        queue.clear();
        TOTAL_QUEUED.addAndGet(-queuedBytes);
        queuedBytes = 0;
        queue.add(END);
        ended = true;
      } else {
        queue.add(event);
        queuedBytes += size;
        TOTAL_QUEUED.addAndGet(size);
      }
    }
    schedule();
  }

  @Override
  public final void end() {
    synchronized (this) {
      if (!ended) {
        queue.add(END); // never refused: the queue's bound applies to events only
        ended = true;
      }
    }
    schedule();
  }

  /** Starts sending, unless a sender runs already. */
  protected final void schedule() {
    if (!closed && draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private synchronized Object next() {
    Object next = queue.poll();
    if (next instanceof JobEvents.Event event) {
      long size = sizeOf(event);
      queuedBytes -= size;
      TOTAL_QUEUED.addAndGet(-size);
    }
    return next;
  }

  /** The client is gone: what waited for it no longer counts against the budget. */
  private synchronized void discard() {
    queue.clear();
    TOTAL_QUEUED.addAndGet(-queuedBytes);
    queuedBytes = 0;
  }

  /** Bytes all clients are behind by now (for tests and metrics). */
  public static long totalQueuedBytes() {
    return TOTAL_QUEUED.get();
  }

  private static long sizeOf(JobEvents.Event event) {
    return EVENT_OVERHEAD_BYTES
        + (event instanceof JobEvents.OutputEvent output ? output.data().length : 0);
  }

  private synchronized boolean queued() {
    return !queue.isEmpty();
  }

  private void drain() {
    try {
      while (!closed && ready()) {
        Object next = next();
        if (next == null) {
          break;
        }
        if (next == END) {
          closed = true;
          finish(overflowed, lastSent);
          return;
        }
        JobEvents.Event event = (JobEvents.Event) next;
        send(event);
        lastSent = event.sequence();
      }
    } catch (RuntimeException e) {
      closed = true;
      discard();
      gone(e);
    } finally {
      draining.set(false);
    }
    // Events that arrived while this sender was finishing.
    if (!closed && queued() && ready()) {
      schedule();
    }
  }
}
