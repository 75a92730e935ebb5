package io.distexec.master.grpc;

import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.QueuedWatcher;
import io.distexec.proto.v1.JobEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.Executor;

/**
 * Sends one job's events to one WatchJob caller at the pace gRPC flow control allows. A caller that
 * falls too far behind gets RESOURCE_EXHAUSTED and watches again from the last sequence it saw.
 */
final class GrpcWatcher extends QueuedWatcher {

  private final ServerCallStreamObserver<JobEvent> call;

  GrpcWatcher(ServerCallStreamObserver<JobEvent> call, Executor executor) {
    super(executor);
    this.call = call;
    call.setOnReadyHandler(this::schedule);
  }

  @Override
  protected boolean ready() {
    return !call.isCancelled() && call.isReady();
  }

  @Override
  protected void send(JobEvents.Event event) {
    call.onNext(ProtoMapper.toProto(event));
  }

  @Override
  protected void finish(boolean overflowed, long lastSent) {
    if (overflowed) {
      call.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "watcher fell "
                      + MAX_QUEUED
                      + " events behind; watch again with after_sequence "
                      + lastSent)
              .asRuntimeException());
    } else {
      call.onCompleted();
    }
  }

  @Override
  protected void gone(RuntimeException cause) {
    // The caller cancelled; its cancel handler unsubscribes this watcher.
  }
}
