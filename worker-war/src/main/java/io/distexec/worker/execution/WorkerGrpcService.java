package io.distexec.worker.execution;

import com.google.protobuf.ByteString;
import io.distexec.common.ProtoTime;
import io.distexec.executor.OutputSink;
import io.distexec.executor.Result;
import io.distexec.executor.StdStream;
import io.distexec.executor.Task;
import io.distexec.proto.v1.AttachTaskRequest;
import io.distexec.proto.v1.CancelTaskRequest;
import io.distexec.proto.v1.CancelTaskResponse;
import io.distexec.proto.v1.ExecuteTaskRequest;
import io.distexec.proto.v1.OutputChunk;
import io.distexec.proto.v1.OutputStream;
import io.distexec.proto.v1.TaskEvent;
import io.distexec.proto.v1.TaskOutcome;
import io.distexec.proto.v1.TaskResult;
import io.distexec.proto.v1.TaskSpec;
import io.distexec.proto.v1.WorkerServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The master's way into the worker: run a task and stream its events back, or cancel it.
 * {@code @Dependent} because grpc-java's {@code bindService()} is final and cannot be proxied.
 */
@Dependent
public class WorkerGrpcService extends WorkerServiceGrpc.WorkerServiceImplBase {

  private static final Logger LOG = Logger.getLogger(WorkerGrpcService.class.getName());

  private final TaskRunner runner;
  private final TaskBook book = new TaskBook(Clock.systemUTC());

  @Inject
  public WorkerGrpcService(TaskRunner runner) {
    this.runner = runner;
  }

  /**
   * What this worker tells a master as it registers: the tasks running here and those ended
   * recently, for the master's reconciliation, and the leader's term from the answer.
   */
  public TaskReport report() {
    return book;
  }

  @Override
  public void executeTask(ExecuteTaskRequest request, StreamObserver<TaskEvent> events) {
    if (request.getTaskId().isBlank()) {
      events.onError(
          Status.INVALID_ARGUMENT
              .withDescription("task_id must not be empty")
              .asRuntimeException());
      return;
    }
    Task task = toTask(request.getTaskId(), request.getSpec());
    Object reservation = null;
    try {
      // A repeat of a task this worker runs or ran is refused, and the task is not touched: its
      // events go to whoever follows it (AttachTask).
      reservation = book.accepted(task.id(), new EventStream(events, task.id()), request.getTerm());
      runner.start(
          task,
          new ChunkSender(book, task.id()),
          startedAt -> book.started(task.id(), startedAt),
          result -> book.ended(task.id(), toProto(result)));
    } catch (TaskRejectedException e) {
      if (reservation != null) {
        book.refused(task.id(), reservation);
      }
      events.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
    }
  }

  private static Status status(TaskRejectedException e) {
    if (e.reason() == TaskRejectedException.Reason.DEPOSED) {
      // Rare and worth seeing: a leader that woke from a pause (or a partition) still calling.
      LOG.info(() -> "refused a call: " + e.getMessage());
    }
    return switch (e.reason()) {
      case BUSY -> Status.RESOURCE_EXHAUSTED;
      case DRAINING, REGISTERING -> Status.UNAVAILABLE;
      case DUPLICATE -> Status.ALREADY_EXISTS;
      case INVALID -> Status.INVALID_ARGUMENT;
      case DEPOSED -> Status.FAILED_PRECONDITION;
    };
  }

  /** Whether a call of the leader's {@code term} may go on; refuses it on {@code call} if not. */
  private boolean obeyed(long term, StreamObserver<?> call) {
    try {
      book.obey(term);
      return true;
    } catch (TaskRejectedException e) {
      call.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
      return false;
    }
  }

  @Override
  public void cancelTask(CancelTaskRequest request, StreamObserver<CancelTaskResponse> response) {
    if (!obeyed(request.getTerm(), response)) {
      return;
    }
    if (runner.cancel(
        request.getTaskId(), request.getReason().isBlank() ? "cancelled" : request.getReason())) {
      response.onNext(CancelTaskResponse.getDefaultInstance());
      response.onCompleted();
    } else {
      response.onError(
          Status.NOT_FOUND
              .withDescription("no task " + request.getTaskId() + " runs here")
              .asRuntimeException());
    }
  }

  @Override
  public void attachTask(AttachTaskRequest request, StreamObserver<TaskEvent> events) {
    if (!obeyed(request.getTerm(), events)) {
      return;
    }
    if (!book.attach(request.getTaskId(), new EventStream(events, request.getTaskId()))) {
      events.onError(
          Status.NOT_FOUND
              .withDescription(
                  "task "
                      + request.getTaskId()
                      + " neither runs on this worker nor ended here recently")
              .asRuntimeException());
    }
  }

  /**
   * Forwards a task's output as chunk events, numbering bytes per stream, to whoever follows the
   * task.
   */
  private static final class ChunkSender implements OutputSink {
    private final TaskBook book;
    private final String taskId;
    private final long[] offsets = new long[StdStream.values().length];

    ChunkSender(TaskBook book, String taskId) {
      this.book = book;
      this.taskId = taskId;
    }

    @Override
    public void accept(StdStream which, byte[] data, int offset, int length) {
      long at = offsets[which.ordinal()];
      offsets[which.ordinal()] += length;
      TaskEvent chunk =
          TaskEvent.newBuilder()
              .setOutput(
                  OutputChunk.newBuilder()
                      .setStream(
                          which == StdStream.STDOUT
                              ? OutputStream.OUTPUT_STREAM_STDOUT
                              : OutputStream.OUTPUT_STREAM_STDERR)
                      .setData(ByteString.copyFrom(data, offset, length))
                      .setOffset(at))
              .build();
      try {
        Optional<EventStream> stream = book.stream(taskId);
        if (stream.isPresent()) {
          stream.get().sendWhenReady(chunk);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static Task toTask(String id, TaskSpec spec) {
    return new Task(
        id,
        spec.getType(),
        spec.getCommand(),
        spec.getArgsList(),
        spec.getEnvMap(),
        spec.getWorkdir().isEmpty() ? null : spec.getWorkdir(),
        spec.getStdin().toByteArray(),
        Duration.ofSeconds(spec.getTimeoutSeconds()),
        spec.getAttributesMap(),
        spec.getShell());
  }

  static TaskResult toProto(Result result) {
    TaskResult.Builder b =
        TaskResult.newBuilder()
            .setOutcome(TaskOutcome.valueOf("TASK_OUTCOME_" + result.outcome().name()))
            .setStdout(ByteString.copyFrom(result.stdout().bytes()))
            .setStderr(ByteString.copyFrom(result.stderr().bytes()))
            .setStdoutTotalBytes(result.stdout().totalBytes())
            .setStderrTotalBytes(result.stderr().totalBytes())
            .setOutputTruncated(result.truncated())
            .setError(result.error())
            .setWallTimeMillis(result.wallTime().toMillis())
            .setStartedAt(ProtoTime.timestamp(result.startedAt()))
            .setFinishedAt(ProtoTime.timestamp(result.finishedAt()))
            .setProcessesKilled(result.usage().processesKilled());
    result.exitCode().ifPresent(b::setExitCode);
    result.usage().cpuTime().ifPresent(cpu -> b.setCpuTimeMillis(cpu.toMillis()));
    result.usage().peakRssBytes().ifPresent(b::setPeakRssBytes);
    return b.build();
  }
}
