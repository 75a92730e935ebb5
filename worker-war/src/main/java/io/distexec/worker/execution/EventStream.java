package io.distexec.worker.execution;

import io.distexec.proto.v1.TaskEvent;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The events of one task on their way to the master. Sends are serialized (events come from the
 * task's thread and its output copiers), and output waits while gRPC's flow control says the master
 * is not ready, so a task that prints gigabytes is slowed to the master's pace instead of filling
 * the worker's memory. If the master goes away (call cancelled) events are dropped: the task keeps
 * running and its outcome is logged.
 */
final class EventStream {

  private static final Logger LOG = Logger.getLogger(EventStream.class.getName());

  /** How long output waits for the master before it is dropped (the result still carries it). */
  static final Duration MAX_STALL = Duration.ofSeconds(30);

  private final ServerCallStreamObserver<TaskEvent> call;
  private final String taskId;
  private boolean closed;

  EventStream(StreamObserver<TaskEvent> observer, String taskId) {
    this.call = (ServerCallStreamObserver<TaskEvent>) observer;
    this.taskId = taskId;
    // Must be set before the handler returns; wakes senders waiting for flow control.
    call.setOnReadyHandler(this::wakeUp);
    call.setOnCancelHandler(this::wakeUp);
  }

  private synchronized void wakeUp() {
    notifyAll();
  }

  /** Sends an event now (start, result): these are small and never wait for flow control. */
  synchronized void send(TaskEvent event) {
    if (closed || call.isCancelled()) {
      if (event.hasResult()) {
        LOG.warning(
            () ->
                "result of task "
                    + taskId
                    + " ("
                    + event.getResult().getOutcome()
                    + ") not delivered: the "
                    + "call from the master has ended; the result is kept for a master that asks again (AttachTask)");
      }
      return;
    }
    try {
      call.onNext(event);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "could not send " + event.getEventCase() + " of task " + taskId + ": " + e.getMessage());
    }
  }

  /** Sends output once the master is ready for it; false when it was dropped. */
  synchronized boolean sendWhenReady(TaskEvent event) throws InterruptedException {
    long deadline = System.nanoTime() + MAX_STALL.toNanos();
    while (!closed && !call.isCancelled() && !call.isReady()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        LOG.warning(
            () ->
                "master did not read output of task "
                    + taskId
                    + " for "
                    + MAX_STALL.toSeconds()
                    + " s; dropping live output (the result keeps it)");
        return false;
      }
      wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
    }
    if (closed || call.isCancelled()) {
      return false;
    }
    send(event);
    return true;
  }

  synchronized void complete() {
    if (closed) {
      return;
    }
    closed = true;
    notifyAll();
    if (!call.isCancelled()) {
      try {
        call.onCompleted();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "stream already closed", e);
      }
    }
  }
}
