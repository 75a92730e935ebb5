package io.distexec.worker.execution;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.distexec.executor.ExecutorRegistry;
import io.distexec.executor.command.CommandExecutor;
import io.distexec.proto.v1.AttachTaskRequest;
import io.distexec.proto.v1.CancelTaskRequest;
import io.distexec.proto.v1.ExecuteTaskRequest;
import io.distexec.proto.v1.OutputStream;
import io.distexec.proto.v1.TaskEvent;
import io.distexec.proto.v1.TaskOutcome;
import io.distexec.proto.v1.TaskResult;
import io.distexec.proto.v1.TaskSpec;
import io.distexec.proto.v1.WorkerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's gRPC service over in-process gRPC, running real processes. */
class WorkerGrpcServiceTest {

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private TaskRunner runner;
  private WorkerGrpcService service;
  private Server server;
  private ManagedChannel channel;
  private WorkerServiceGrpc.WorkerServiceBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    ExecutorRegistry executors =
        new ExecutorRegistry()
            .register(
                new CommandExecutor(
                    new CommandExecutor.Settings(
                        1 << 20, Duration.ofSeconds(1), Map.of("PATH", "/usr/bin:/bin")),
                    threads));
    runner = new TaskRunner(executors, threads, 1);
    String name = InProcessServerBuilder.generateName();
    service = new WorkerGrpcService(runner);
    server =
        InProcessServerBuilder.forName(name).executor(threads).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    stub = WorkerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    runner.cancelAll("test over");
    runner.awaitIdle(Duration.ofSeconds(5));
    channel.shutdownNow();
    server.shutdownNow();
    threads.shutdownNow();
  }

  private static ExecuteTaskRequest task(String id, String command, String... args) {
    return ExecuteTaskRequest.newBuilder()
        .setTaskId(id)
        .setJobId(id)
        .setAttempt(1)
        .setSpec(TaskSpec.newBuilder().setCommand(command).addAllArgs(List.of(args)))
        .build();
  }

  /** The task ids a registration would report (and the registration given up). */
  private List<String> reported() {
    var report = service.report();
    List<String> ids = report.taskIds();
    report.unreported();
    return ids;
  }

  private static ExecuteTaskRequest ofTerm(long term, String id) {
    return task(id, "true").toBuilder().setTerm(term).build();
  }

  /**
   * A leader paused past its lease may send a task when it wakes, after the new leader took the job
   * over: once the worker registered with the new leader, the old term is refused (and so are its
   * cancels and attaches), and while it registers no task of the known term starts (it would be
   * missing from the list the new leader reconciles with).
   */
  @Test
  void obeysNoDeposedLeaderAndStartsNothingUnreportedWhileItRegisters() {
    var report = service.report();
    assertThat(report.taskIds()).isEmpty(); // registering with a master from now on
    assertThatThrownBy(() -> stub.executeTask(ofTerm(0, "during")).next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("registering");
            });
    assertThat(report.registered(3)).isTrue();

    assertThatThrownBy(() -> stub.executeTask(ofTerm(2, "stale")).next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "this worker follows the leader of term 3; a call of term 2 comes from a"
                          + " master that no longer leads");
            });
    assertThatThrownBy(
            () ->
                stub.cancelTask(
                    CancelTaskRequest.newBuilder().setTaskId("stale").setTerm(2).build()))
        .hasMessageContaining("FAILED_PRECONDITION");
    assertThatThrownBy(
            () ->
                stub.attachTask(AttachTaskRequest.newBuilder().setTaskId("x").setTerm(2).build())
                    .next())
        .hasMessageContaining("FAILED_PRECONDITION");
    List<TaskEvent> events = new ArrayList<>();
    stub.executeTask(ofTerm(3, "current")).forEachRemaining(events::add);
    assertThat(events).last().matches(TaskEvent::hasResult);

    // Registering again: the known term waits, a newer leader's task starts (it knows it sent it),
    // and from then on the older term is refused, and a late answer of that older term too.
    assertThat(report.taskIds()).containsExactly("current");
    assertThatThrownBy(() -> stub.executeTask(ofTerm(3, "same-term")).next())
        .hasMessageContaining("UNAVAILABLE");
    stub.executeTask(ofTerm(4, "newer")).forEachRemaining(e -> {});
    assertThat(report.registered(3)).isFalse();
    assertThatThrownBy(() -> stub.executeTask(ofTerm(3, "after")).next())
        .hasMessageContaining("FAILED_PRECONDITION");
    report.unreported();
    assertThat(report.taskIds()).containsExactly("current", "newer");
  }

  @Test
  void streamsStartedThenOutputThenTheResult() {
    List<TaskEvent> events = new ArrayList<>();
    stub.executeTask(task("t1", "echo", "hello", "world")).forEachRemaining(events::add);
    assertThat(events)
        .extracting(TaskEvent::getEventCase)
        .containsExactly(
            TaskEvent.EventCase.STARTED, TaskEvent.EventCase.OUTPUT, TaskEvent.EventCase.RESULT);
    assertThat(events.get(1).getOutput().getStream()).isEqualTo(OutputStream.OUTPUT_STREAM_STDOUT);
    assertThat(events.get(1).getOutput().getData().toString(UTF_8)).isEqualTo("hello world\n");
    assertThat(events.get(1).getOutput().getOffset()).isZero();
    TaskResult result = events.get(2).getResult();
    assertThat(result.getOutcome()).isEqualTo(TaskOutcome.TASK_OUTCOME_SUCCEEDED);
    assertThat(result.getExitCode()).isZero();
    assertThat(result.getStdout().toString(UTF_8)).isEqualTo("hello world\n");
    assertThat(result.getStdoutTotalBytes()).isEqualTo(12);
  }

  @Test
  void aRepeatedTaskIdIsRefusedAndTheRunningTaskGoesOnToItsResult() {
    Iterator<TaskEvent> first = stub.executeTask(task("same", "sh", "-c", "sleep 1; echo done"));
    assertThat(first.next().hasStarted()).isTrue();
    assertThatThrownBy(() -> stub.executeTask(task("same", "echo", "again")).next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
              assertThat(e.getStatus().getDescription()).contains("follow it with AttachTask");
            });
    TaskResult result = null;
    while (first.hasNext()) {
      TaskEvent event = first.next();
      if (event.hasResult()) {
        result = event.getResult();
      }
    }
    assertThat(result.getStdout().toString(UTF_8)).isEqualTo("done\n");
    assertThat(reported()).containsExactly("same");
  }

  @Test
  void streamsLargeOutputInContiguousChunksAndKeepsOnlyTheCap() throws Exception {
    Iterator<TaskEvent> events =
        stub.executeTask(task("big", "head", "-c", "20000000", "/dev/zero"));
    long expectedOffset = 0;
    TaskResult result = null;
    while (events.hasNext()) {
      TaskEvent event = events.next();
      if (event.hasOutput()) {
        assertThat(event.getOutput().getOffset()).isEqualTo(expectedOffset);
        expectedOffset += event.getOutput().getData().size();
      } else if (event.hasResult()) {
        result = event.getResult();
      }
    }
    assertThat(expectedOffset).isEqualTo(20_000_000);
    assertThat(result.getStdoutTotalBytes()).isEqualTo(20_000_000);
    assertThat(result.getOutputTruncated()).isTrue();
    assertThat(result.getStdout().size()).isLessThan((1 << 20) + 100);
  }

  @Test
  void rejectsAnUnknownTaskTypeNamingTheExecutorsItHas() {
    ExecuteTaskRequest request =
        task("t1", "x").toBuilder()
            .setSpec(TaskSpec.newBuilder().setType("docker").setCommand("x"))
            .build();
    assertThatThrownBy(() -> stub.executeTask(request).next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("no executor named 'docker'")
                  .contains("command");
            });
  }

  @Test
  void refusesWorkBeyondMaxConcurrentTasks() {
    Iterator<TaskEvent> running = stub.executeTask(task("long", "sleep", "30"));
    running.next(); // started
    assertThatThrownBy(() -> stub.executeTask(task("second", "true")).next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void refusesWorkWhileDraining() {
    runner.drain();
    assertThatThrownBy(() -> stub.executeTask(task("t1", "true")).next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void cancelsARunningTask() {
    Iterator<TaskEvent> events = stub.executeTask(task("long", "sleep", "30"));
    events.next(); // started
    stub.cancelTask(
        CancelTaskRequest.newBuilder().setTaskId("long").setReason("user asked").build());
    TaskEvent result = events.next();
    assertThat(result.getResult().getOutcome()).isEqualTo(TaskOutcome.TASK_OUTCOME_CANCELLED);
    // "started" is sent just before the executor spawns the process, so the cancel may land on
    // either side of the spawn: "cancelled: ..." or "cancelled before start: ...".
    assertThat(result.getResult().getError()).matches("cancelled( before start)?: user asked");
    await().until(() -> runner.active() == 0);
  }

  @Test
  void answersNotFoundWhenCancellingAnUnknownTask() {
    assertThatThrownBy(
            () -> stub.cancelTask(CancelTaskRequest.newBuilder().setTaskId("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  /** A master that restarted lost its stream; it follows the task again and gets its result. */
  @Test
  void aTaskOutlivesItsCallerAndItsResultIsFetchedByAttaching() throws Exception {
    io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
    Iterator<TaskEvent> first =
        call.call(() -> stub.executeTask(task("t#1", "sh", "-c", "sleep 1; echo done")));
    assertThat(call.call(first::next).hasStarted()).isTrue();
    call.cancel(null); // the master died
    assertThat(reported()).containsExactly("t#1");

    Iterator<TaskEvent> attached =
        stub.attachTask(AttachTaskRequest.newBuilder().setTaskId("t#1").build());
    assertThat(attached.next().hasStarted()).isTrue();
    TaskEvent last = attached.next();
    while (!last.hasResult()) {
      last = attached.next();
    }
    assertThat(last.getResult().getOutcome()).isEqualTo(TaskOutcome.TASK_OUTCOME_SUCCEEDED);
    assertThat(last.getResult().getStdout().toString(UTF_8)).isEqualTo("done\n");
    assertThat(attached.hasNext()).isFalse();
    assertThat(reported()).containsExactly("t#1");

    // Ended: attaching again gets the kept result at once.
    Iterator<TaskEvent> again =
        stub.attachTask(AttachTaskRequest.newBuilder().setTaskId("t#1").build());
    assertThat(again.next().hasStarted()).isTrue();
    assertThat(again.next().getResult().getStdout().toString(UTF_8)).isEqualTo("done\n");
  }

  @Test
  void answersNotFoundWhenAttachingToAnUnknownTask() {
    assertThatThrownBy(
            () -> stub.attachTask(AttachTaskRequest.newBuilder().setTaskId("nope").build()).next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
