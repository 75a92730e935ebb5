package io.distexec.master.api;

import io.distexec.master.jobs.JobEvents;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one job's events to one SSE client. Events are queued and written on the given executor,
 * never on the thread that produced them, so a slow client cannot hold up the dispatcher. A client
 * that falls more than {@link #MAX_QUEUED} events behind is disconnected; it resumes with
 * {@code Last-Event-ID} and loses nothing that was stored.
 */
final class SseWatcher implements JobEvents.Watcher {

  private static final Logger LOG = Logger.getLogger(SseWatcher.class.getName());
  static final int MAX_QUEUED = 10_000;
  private static final Object END = new Object();

  private final SseEventSink sink;
  private final Sse sse;
  private final Executor executor;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(MAX_QUEUED + 1);
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile Runnable unsubscribe = () -> { };
  private volatile boolean closed;

  SseWatcher(SseEventSink sink, Sse sse, Executor executor) {
    this.sink = sink;
    this.sse = sse;
    this.executor = executor;
  }

  void unsubscribeWith(Runnable action) {
    this.unsubscribe = action;
    if (closed) {
      action.run();
    }
  }

  @Override
  public void event(JobEvents.Event event) {
    if (!queue.offer(event)) {
      LOG.info("an event-stream client fell " + MAX_QUEUED + " events behind; disconnecting it");
      queue.clear();
      queue.offer(END);
    }
    schedule();
  }

  @Override
  public void end() {
    queue.offer(END);
    schedule();
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    try {
      Object next;
      while (!closed && (next = queue.poll()) != null) {
        if (next == END) {
          close();
          return;
        }
        JobEvents.Event event = (JobEvents.Event) next;
        sink.send(sse.newEventBuilder()
            .id(Long.toString(event.sequence()))
            .name(EventView.name(event))
            .mediaType(MediaType.APPLICATION_JSON_TYPE)
            .data(EventView.of(event))
            .build()).toCompletableFuture().join();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "event-stream client went away", e);
      close();
    } finally {
      draining.set(false);
    }
    if (!closed && !queue.isEmpty()) {
      schedule();
    }
  }

  private void close() {
    closed = true;
    unsubscribe.run();
    try {
      sink.close();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "closing an event stream failed", e);
    }
  }
}
