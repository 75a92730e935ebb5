package io.distexec.master.grpc;

import io.distexec.master.jobs.JobEvents;
import io.distexec.proto.v1.JobEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends one job's events to one WatchJob caller at the pace gRPC flow control allows. Events wait
 * in a bounded queue; a caller that falls more than {@link #MAX_QUEUED} events behind gets
 * RESOURCE_EXHAUSTED and resumes with the last sequence it saw, losing nothing stored.
 */
final class GrpcWatcher implements JobEvents.Watcher {

  static final int MAX_QUEUED = 10_000;
  private static final Object END = new Object();

  private final ServerCallStreamObserver<JobEvent> call;
  private final Executor executor;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(MAX_QUEUED + 1);
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile long lastSent;
  private volatile boolean overflowed;
  private volatile boolean closed;

  GrpcWatcher(ServerCallStreamObserver<JobEvent> call, Executor executor) {
    this.call = call;
    this.executor = executor;
    call.setOnReadyHandler(this::schedule);
  }

  @Override
  public void event(JobEvents.Event event) {
    if (!queue.offer(event)) {
      overflowed = true;
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
    if (!closed && draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    try {
      while (!closed && !call.isCancelled() && call.isReady()) {
        Object next = queue.poll();
        if (next == null) {
          break;
        }
        if (next == END) {
          closed = true;
          if (overflowed) {
            call.onError(Status.RESOURCE_EXHAUSTED.withDescription("watcher fell " + MAX_QUEUED
                + " events behind; watch again with after_sequence " + lastSent).asRuntimeException());
          } else {
            call.onCompleted();
          }
          return;
        }
        JobEvents.Event event = (JobEvents.Event) next;
        call.onNext(ProtoMapper.toProto(event));
        lastSent = event.sequence();
      }
    } catch (RuntimeException e) {
      closed = true; // the caller went away
    } finally {
      draining.set(false);
    }
    // Events that arrived while we were finishing, and the call is still ready for them.
    if (!closed && !queue.isEmpty() && call.isReady()) {
      schedule();
    }
  }
}
