package io.distexec.it;

import io.distexec.common.GrpcChannels;
import io.distexec.common.GrpcEndpoint;
import io.distexec.common.HostPort;
import io.distexec.proto.v1.AttachTaskRequest;
import io.distexec.proto.v1.CancelTaskRequest;
import io.distexec.proto.v1.CancelTaskResponse;
import io.distexec.proto.v1.DeregisterRequest;
import io.distexec.proto.v1.ExecuteTaskRequest;
import io.distexec.proto.v1.HeartbeatRequest;
import io.distexec.proto.v1.HeartbeatResponse;
import io.distexec.proto.v1.RegisterRequest;
import io.distexec.proto.v1.RegistrationServiceGrpc;
import io.distexec.proto.v1.TaskEvent;
import io.distexec.proto.v1.TaskOutcome;
import io.distexec.proto.v1.TaskResult;
import io.distexec.proto.v1.TaskStarted;
import io.distexec.proto.v1.WorkerServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a worker pod's worker, not the real worker (a Liberty server per pod is more than
 * two cores hold): it registers with the master under its pod's name, heartbeats every second,
 * takes the master's drain and hold like the real worker (a held worker takes no work and is not
 * ready, and is taken back when an answer lifts the hold), and runs {@code sleep N} tasks by
 * waiting N seconds, or until the test finishes them. The protocol it speaks is the real one.
 */
final class StandInWorker implements AutoCloseable {

  private record Task(StreamObserver<TaskEvent> events, ScheduledFuture<?> end) {}

  final String id;
  private final int slots;
  private final GrpcChannels channels = new GrpcChannels("stand-in");
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
  private final Map<String, Task> running = new ConcurrentHashMap<>();
  private final GrpcEndpoint endpoint;
  private final RegistrationServiceGrpc.RegistrationServiceBlockingStub master;
  private volatile boolean registered;
  private volatile boolean held;
  private volatile boolean closed;

  StandInWorker(String id, int slots, String masterClusterAddress) throws Exception {
    this.id = id;
    this.slots = slots;
    this.endpoint =
        GrpcEndpoint.start("stand-in " + id, new HostPort("127.0.0.1", 0), List.of(new Service()));
    this.master = RegistrationServiceGrpc.newBlockingStub(channels.open(masterClusterAddress));
    timer.scheduleWithFixedDelay(this::beat, 0, 1, TimeUnit.SECONDS);
  }

  /** What a pod's readiness probe would say: registered, and not held for removal. */
  boolean ready() {
    return registered && !held;
  }

  boolean busy() {
    return !running.isEmpty();
  }

  /** Ends the running tasks now, each SUCCEEDED. */
  void finishAll() {
    running.keySet().forEach(this::finish);
  }

  private void beat() {
    if (closed) {
      return;
    }
    try {
      if (!registered) {
        master
            .withDeadlineAfter(2, TimeUnit.SECONDS)
            .register(
                RegisterRequest.newBuilder()
                    .setWorkerId(id)
                    .setAddress("127.0.0.1:" + endpoint.port())
                    .setMaxConcurrentTasks(slots)
                    .addExecutors("command")
                    .addAllTaskIds(running.keySet())
                    .build());
        registered = true;
      }
      HeartbeatResponse answer =
          master
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .heartbeat(
                  HeartbeatRequest.newBuilder()
                      .setWorkerId(id)
                      .setActiveTasks(running.size())
                      .setDraining(held)
                      .build());
      held = answer.getDrain() && answer.getHold();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        registered = false;
      }
    }
  }

  private void finish(String taskId) {
    Task task = running.remove(taskId);
    if (task == null) {
      return;
    }
    task.end().cancel(false);
    task.events()
        .onNext(
            TaskEvent.newBuilder()
                .setResult(
                    TaskResult.newBuilder()
                        .setOutcome(TaskOutcome.TASK_OUTCOME_SUCCEEDED)
                        .setExitCode(0))
                .build());
    task.events().onCompleted();
  }

  private final class Service extends WorkerServiceGrpc.WorkerServiceImplBase {
    @Override
    public synchronized void executeTask(
        ExecuteTaskRequest request, StreamObserver<TaskEvent> events) {
      if (held || closed) {
        events.onError(Status.UNAVAILABLE.withDescription("draining").asRuntimeException());
        return;
      }
      if (running.size() >= slots) {
        events.onError(Status.RESOURCE_EXHAUSTED.withDescription("busy").asRuntimeException());
        return;
      }
      long seconds =
          request.getSpec().getArgsCount() == 0 ? 0 : Long.parseLong(request.getSpec().getArgs(0));
      events.onNext(TaskEvent.newBuilder().setStarted(TaskStarted.getDefaultInstance()).build());
      String taskId = request.getTaskId();
      running.put(
          taskId,
          new Task(events, timer.schedule(() -> finish(taskId), seconds, TimeUnit.SECONDS)));
    }

    @Override
    public void cancelTask(CancelTaskRequest request, StreamObserver<CancelTaskResponse> response) {
      response.onError(Status.NOT_FOUND.asRuntimeException());
    }

    @Override
    public void attachTask(AttachTaskRequest request, StreamObserver<TaskEvent> events) {
      events.onError(Status.NOT_FOUND.asRuntimeException());
    }
  }

  /** The pod is gone: deregisters and stops, as the worker does on SIGTERM. */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    try {
      master
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .deregister(DeregisterRequest.newBuilder().setWorkerId(id).setReason("pod gone").build());
    } catch (StatusRuntimeException e) {
      // the master drops it when its heartbeats stop
    }
    endpoint.close(0);
    channels.close();
  }
}
