package io.distexec.master.grpc;

import io.distexec.executor.StdStream;
import io.distexec.master.dispatch.AttemptEvent;
import io.distexec.master.dispatch.TaskRequest;
import io.distexec.master.dispatch.WorkerPort;
import io.distexec.master.registry.WorkerNode;
import io.distexec.proto.v1.AttachTaskRequest;
import io.distexec.proto.v1.CancelTaskRequest;
import io.distexec.proto.v1.CancelTaskResponse;
import io.distexec.proto.v1.ExecuteTaskRequest;
import io.distexec.proto.v1.OutputStream;
import io.distexec.proto.v1.TaskEvent;
import io.distexec.proto.v1.WorkerServiceGrpc;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The dispatcher's {@link WorkerPort} over gRPC: {@code WorkerService.ExecuteTask}, {@code
 * AttachTask} and {@code CancelTask} on one channel per worker. It translates each stream callback
 * into an {@link AttemptEvent} and decides nothing.
 */
public final class GrpcWorkerPort implements WorkerPort {

  private static final Logger LOG = Logger.getLogger(GrpcWorkerPort.class.getName());

  /** How long a cancel may take to reach a worker. */
  static final long CANCEL_DEADLINE_SECONDS = 5;

  private final WorkerChannels channels;
  private final LongSupplier term;

  /**
   * @param term this master's leadership term, sent with every call: a worker that follows a newer
   *     leader refuses the calls of an older one (a leader paused past its lease and woken)
   */
  public GrpcWorkerPort(WorkerChannels channels, LongSupplier term) {
    this.channels = channels;
    this.term = term;
  }

  @Override
  public Call execute(WorkerNode worker, TaskRequest request, Consumer<AttemptEvent> listener) {
    WorkerServiceGrpc.WorkerServiceStub stub =
        WorkerServiceGrpc.newStub(channels.channelFor(worker));
    if (request.deadline().isPresent()) {
      stub = stub.withDeadlineAfter(request.deadline().get().toSeconds(), TimeUnit.SECONDS);
    }
    ExecuteTaskRequest message =
        ExecuteTaskRequest.newBuilder()
            .setTaskId(request.taskId())
            .setJobId(request.jobId())
            .setAttempt(request.attempt())
            .setSpec(ProtoMapper.toProto(request.spec()))
            .setTerm(term.getAsLong())
            .build();
    EventTranslator<ExecuteTaskRequest> events = new EventTranslator<>(listener);
    stub.executeTask(message, events);
    return events;
  }

  @Override
  public Call attach(WorkerNode worker, String taskId, Consumer<AttemptEvent> listener) {
    EventTranslator<AttachTaskRequest> events = new EventTranslator<>(listener);
    // In a fork of the current gRPC context: this runs inside the worker's Register call, whose
    // context is cancelled as soon as it answers, and would cancel this call with it.
    Context.current()
        .fork()
        .run(
            () ->
                WorkerServiceGrpc.newStub(channels.channelFor(worker))
                    .attachTask(
                        AttachTaskRequest.newBuilder()
                            .setTaskId(taskId)
                            .setTerm(term.getAsLong())
                            .build(),
                        events));
    return events;
  }

  @Override
  public void cancel(WorkerNode worker, String taskId, String reason) {
    // In a fork of the current gRPC context: when this runs for a CancelJob call, that call's
    // context
    // is cancelled as soon as it answers, and would cancel this call to the worker with it.
    Context.current()
        .fork()
        .run(
            () ->
                WorkerServiceGrpc.newStub(channels.channelFor(worker))
                    .withDeadlineAfter(CANCEL_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .cancelTask(
                        CancelTaskRequest.newBuilder()
                            .setTaskId(taskId)
                            .setReason(reason)
                            .setTerm(term.getAsLong())
                            .build(),
                        new StreamObserver<CancelTaskResponse>() {
                          @Override
                          public void onNext(CancelTaskResponse response) {}

                          @Override
                          public void onError(Throwable t) {
                            // NOT_FOUND: not started yet (asked again on start) or just ended (its
                            // result says how).
                            LOG.fine(
                                () ->
                                    "cancel of "
                                        + taskId
                                        + " on "
                                        + worker.id()
                                        + ": "
                                        + Status.fromThrowable(t));
                          }

                          @Override
                          public void onCompleted() {}
                        }));
  }

  @Override
  public void forget(String workerId, boolean dead) {
    channels.close(workerId, dead);
  }

  /** One call's stream callbacks, as attempt events. */
  private static final class EventTranslator<R>
      implements ClientResponseObserver<R, TaskEvent>, Call {
    private final Consumer<AttemptEvent> listener;
    private final AtomicReference<ClientCallStreamObserver<R>> call = new AtomicReference<>();

    EventTranslator(Consumer<AttemptEvent> listener) {
      this.listener = listener;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<R> requestStream) {
      call.set(requestStream);
    }

    @Override
    public void abandon(String reason) {
      ClientCallStreamObserver<R> c = call.get();
      if (c != null) {
        c.cancel(reason, null);
      }
    }

    @Override
    public void onNext(TaskEvent event) {
      switch (event.getEventCase()) {
        case STARTED ->
            listener.accept(
                new AttemptEvent.Started(ProtoMapper.instant(event.getStarted().getStartedAt())));
        case OUTPUT ->
            listener.accept(
                new AttemptEvent.Output(
                    event.getOutput().getStream() == OutputStream.OUTPUT_STREAM_STDERR
                        ? StdStream.STDERR
                        : StdStream.STDOUT,
                    event.getOutput().getData().toByteArray(),
                    event.getOutput().getOffset()));
        case RESULT ->
            listener.accept(
                new AttemptEvent.Finished(
                    ProtoMapper.toStatus(event.getResult().getOutcome()),
                    ProtoMapper.toOutcome(event.getResult())));
        default -> LOG.warning(() -> "ignoring an unknown task event: " + event.getEventCase());
      }
    }

    @Override
    public void onError(Throwable error) {
      Status status = Status.fromThrowable(error);
      if (tooLarge(status)) {
        // Not "busy": this request can never succeed on this worker, so the job must not go back
        // to the queue (it would come back here forever).
        listener.accept(
            new AttemptEvent.Failed(
                AttemptEvent.Failure.INVALID,
                status.getCode().name(),
                "the task is larger than its worker accepts ("
                    + status.getDescription()
                    + "); give the workers the master's MAX_JOB_SPEC_BYTES"));
        return;
      }
      listener.accept(
          new AttemptEvent.Failed(
              kind(status.getCode()), status.getCode().name(), status.getDescription()));
    }

    /** grpc-java's refusal of a message over the receiver's maxInboundMessageSize. */
    private static boolean tooLarge(Status status) {
      return status.getCode() == Status.Code.RESOURCE_EXHAUSTED
          && status.getDescription() != null
          && status.getDescription().contains("exceeds maximum");
    }

    @Override
    public void onCompleted() {
      listener.accept(new AttemptEvent.Closed());
    }

    private static AttemptEvent.Failure kind(Status.Code code) {
      return switch (code) {
        // FAILED_PRECONDITION: the worker follows a newer leader; whatever this master decides
        // about the job is refused by the store (fencing).
        case RESOURCE_EXHAUSTED, UNAVAILABLE, FAILED_PRECONDITION -> AttemptEvent.Failure.REFUSED;
        case INVALID_ARGUMENT -> AttemptEvent.Failure.INVALID;
        default -> AttemptEvent.Failure.BROKEN;
      };
    }
  }
}
