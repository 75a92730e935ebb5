package io.distexec.worker.execution;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.distexec.executor.Result;
import io.distexec.executor.Task;
import io.distexec.proto.v1.CancelTaskRequest;
import io.distexec.proto.v1.CancelTaskResponse;
import io.distexec.proto.v1.ExecuteTaskRequest;
import io.distexec.proto.v1.TaskEvent;
import io.distexec.proto.v1.TaskOutcome;
import io.distexec.proto.v1.TaskResult;
import io.distexec.proto.v1.TaskSpec;
import io.distexec.proto.v1.TaskStarted;
import io.distexec.proto.v1.WorkerServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The master's way into the worker: run a task and stream its events back, or cancel it.
 * {@code @Dependent} because grpc-java's {@code bindService()} is final and cannot be proxied.
 */
@Dependent
public class WorkerGrpcService extends WorkerServiceGrpc.WorkerServiceImplBase {

  private static final Logger LOG = Logger.getLogger(WorkerGrpcService.class.getName());

  private final TaskRunner runner;

  @Inject
  public WorkerGrpcService(TaskRunner runner) {
    this.runner = runner;
  }

  @Override
  public void executeTask(ExecuteTaskRequest request, StreamObserver<TaskEvent> events) {
    if (request.getTaskId().isBlank()) {
      events.onError(Status.INVALID_ARGUMENT.withDescription("task_id must not be empty").asRuntimeException());
      return;
    }
    Task task = toTask(request.getTaskId(), request.getSpec());
    try {
      runner.start(task,
          startedAt -> send(events, TaskEvent.newBuilder()
              .setStarted(TaskStarted.newBuilder().setStartedAt(timestamp(startedAt))).build()),
          result -> {
            send(events, TaskEvent.newBuilder().setResult(toProto(result)).build());
            complete(events);
          });
    } catch (TaskRejectedException e) {
      Status status = switch (e.reason()) {
        case BUSY -> Status.RESOURCE_EXHAUSTED;
        case DRAINING -> Status.UNAVAILABLE;
        case DUPLICATE -> Status.ALREADY_EXISTS;
        case INVALID -> Status.INVALID_ARGUMENT;
      };
      events.onError(status.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void cancelTask(CancelTaskRequest request, StreamObserver<CancelTaskResponse> response) {
    if (runner.cancel(request.getTaskId(), request.getReason().isBlank() ? "cancelled" : request.getReason())) {
      response.onNext(CancelTaskResponse.getDefaultInstance());
      response.onCompleted();
    } else {
      response.onError(Status.NOT_FOUND.withDescription("no task " + request.getTaskId() + " runs here")
          .asRuntimeException());
    }
  }

  /** A stream's observer is not thread-safe; events come from different threads. */
  private static void send(StreamObserver<TaskEvent> events, TaskEvent event) {
    synchronized (events) {
      try {
        events.onNext(event);
      } catch (RuntimeException e) {
        // The master went away (cancelled call); the task's outcome is logged, not lost silently.
        LOG.log(Level.WARNING, "could not send " + event.getEventCase() + " to the master: " + e.getMessage());
      }
    }
  }

  private static void complete(StreamObserver<TaskEvent> events) {
    synchronized (events) {
      try {
        events.onCompleted();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "stream already closed", e);
      }
    }
  }

  static Task toTask(String id, TaskSpec spec) {
    return new Task(id, spec.getType(), spec.getCommand(), spec.getArgsList(), spec.getEnvMap(),
        spec.getWorkdir().isEmpty() ? null : spec.getWorkdir(), spec.getStdin().toByteArray(),
        Duration.ofSeconds(spec.getTimeoutSeconds()), spec.getAttributesMap());
  }

  static TaskResult toProto(Result result) {
    TaskResult.Builder b = TaskResult.newBuilder()
        .setOutcome(TaskOutcome.valueOf("TASK_OUTCOME_" + result.outcome().name()))
        .setStdout(ByteString.copyFrom(result.stdout()))
        .setStderr(ByteString.copyFrom(result.stderr()))
        .setOutputTruncated(result.truncated())
        .setError(result.error())
        .setWallTimeMillis(result.wallTime().toMillis())
        .setStartedAt(timestamp(result.startedAt()))
        .setFinishedAt(timestamp(result.finishedAt()));
    result.exitCode().ifPresent(b::setExitCode);
    return b.build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
