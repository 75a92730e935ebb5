package io.distexec.master.api;

import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.QueuedWatcher;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one job's events to one SSE client. A client that falls too far behind is disconnected; it
 * resumes with {@code Last-Event-ID}.
 */
final class SseWatcher extends QueuedWatcher {

  private static final Logger LOG = Logger.getLogger(SseWatcher.class.getName());

  private final SseEventSink sink;
  private final Sse sse;
  private volatile Runnable unsubscribe = () -> {};
  private volatile boolean closed;

  SseWatcher(SseEventSink sink, Sse sse, Executor executor) {
    super(executor);
    this.sink = sink;
    this.sse = sse;
  }

  void unsubscribeWith(Runnable action) {
    this.unsubscribe = action;
    if (closed) {
      action.run();
    }
  }

  @Override
  protected boolean ready() {
    return true; // send() blocks until the client has the event
  }

  @Override
  protected void send(JobEvents.Event event) {
    sink.send(
            sse.newEventBuilder()
                .id(Long.toString(event.sequence()))
                .name(EventView.name(event))
                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(EventView.of(event))
                .build())
        .toCompletableFuture()
        .join();
  }

  @Override
  protected void finish(boolean overflowed, long lastSent) {
    if (overflowed) {
      LOG.info("an event-stream client fell " + MAX_QUEUED + " events behind; disconnecting it");
    }
    close();
  }

  @Override
  protected void gone(RuntimeException cause) {
    LOG.log(Level.FINE, "event-stream client went away", cause);
    close();
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
