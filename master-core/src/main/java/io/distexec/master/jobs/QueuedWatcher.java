package io.distexec.master.jobs;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A watcher that sends a job's events to a remote client (an SSE stream, a gRPC WatchJob call)
 * without ever blocking the thread that produced them: events wait in a bounded queue and one task
 * on the given executor at a time sends them, as fast as the client is {@linkplain #ready() ready}.
 * A client more than {@link #MAX_QUEUED} events behind is dropped; it resumes from the last
 * sequence it saw and loses nothing stored.
 */
public abstract class QueuedWatcher implements JobEvents.Watcher {

  public static final int MAX_QUEUED = 10_000;
  private static final Object END = new Object();

  private final Executor executor;
  private final Deque<Object> queue = new ArrayDeque<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private boolean ended;
  private boolean overflowed;
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
   * @param overflowed true when the client fell {@link #MAX_QUEUED} events behind
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
      if (queue.size() >= MAX_QUEUED) {
        overflowed = true;
        queue.clear();
        queue.add(END);
        ended = true;
      } else {
        queue.add(event);
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
    return queue.poll();
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
