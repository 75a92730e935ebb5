package io.distexec.bench;

import com.google.protobuf.ByteString;
import io.distexec.common.GrpcChannels;
import io.distexec.common.GrpcEndpoint;
import io.distexec.common.HostPort;
import io.distexec.proto.v1.AttachTaskRequest;
import io.distexec.proto.v1.CancelTaskRequest;
import io.distexec.proto.v1.CancelTaskResponse;
import io.distexec.proto.v1.DeregisterRequest;
import io.distexec.proto.v1.ExecuteTaskRequest;
import io.distexec.proto.v1.HeartbeatRequest;
import io.distexec.proto.v1.RegisterRequest;
import io.distexec.proto.v1.RegisterResponse;
import io.distexec.proto.v1.RegistrationServiceGrpc;
import io.distexec.proto.v1.TaskEvent;
import io.distexec.proto.v1.TaskOutcome;
import io.distexec.proto.v1.TaskResult;
import io.distexec.proto.v1.TaskStarted;
import io.distexec.proto.v1.WorkerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many light stand-ins for workers in this JVM, not real workers: each registers with the master
 * and heartbeats at the interval the master asks for, and all share one WorkerService that answers
 * every task at once with {@code hello} and exit code 0, without running a process.
 */
final class SimulatedWorkers implements AutoCloseable {

  private final GrpcEndpoint endpoint;
  private final GrpcChannels channels = new GrpcChannels("bench");
  private final List<ManagedChannel> masterChannels = new ArrayList<>();
  private final ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(2);
  final AtomicLong tasksAnswered = new AtomicLong();
  final AtomicLong heartbeatFailures = new AtomicLong();
  private final List<Map.Entry<String, RegistrationServiceGrpc.RegistrationServiceBlockingStub>>
      registeredWorkers = new ArrayList<>();

  /** The shared stand-in WorkerService. */
  private final class Answering extends WorkerServiceGrpc.WorkerServiceImplBase {
    @Override
    public void executeTask(ExecuteTaskRequest request, StreamObserver<TaskEvent> events) {
      events.onNext(TaskEvent.newBuilder().setStarted(TaskStarted.getDefaultInstance()).build());
      events.onNext(
          TaskEvent.newBuilder()
              .setResult(
                  TaskResult.newBuilder()
                      .setOutcome(TaskOutcome.TASK_OUTCOME_SUCCEEDED)
                      .setExitCode(0)
                      .setStdout(ByteString.copyFromUtf8("hello\n"))
                      .setStdoutTotalBytes(6))
              .build());
      events.onCompleted();
      tasksAnswered.incrementAndGet();
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

  SimulatedWorkers() throws Exception {
    endpoint =
        GrpcEndpoint.start(
            "simulated-workers", new HostPort("127.0.0.1", 0), List.of(new Answering()));
  }

  /**
   * Registers {@code count} workers and keeps them heartbeating; returns once all are registered.
   */
  void start(String master, int count) {
    for (int i = 0; i < 4; i++) {
      masterChannels.add(channels.open(master));
    }
    String address = "127.0.0.1:" + endpoint.port();
    for (int i = 0; i < count; i++) {
      String id = "sim-" + i;
      RegistrationServiceGrpc.RegistrationServiceBlockingStub stub =
          RegistrationServiceGrpc.newBlockingStub(masterChannels.get(i % masterChannels.size()));
      RegisterResponse registered =
          stub.withDeadlineAfter(30, TimeUnit.SECONDS)
              .register(
                  RegisterRequest.newBuilder()
                      .setWorkerId(id)
                      .setAddress(address)
                      .setMaxConcurrentTasks(10)
                      .addExecutors("command")
                      .build());
      registeredWorkers.add(Map.entry(id, stub));
      long interval = Math.max(1, registered.getHeartbeatIntervalSeconds()) * 1000L;
      // Spread over the interval, as independently started workers would be.
      heartbeats.scheduleAtFixedRate(
          () -> {
            try {
              stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                  .heartbeat(HeartbeatRequest.newBuilder().setWorkerId(id).build());
            } catch (RuntimeException e) {
              heartbeatFailures.incrementAndGet();
            }
          },
          ThreadLocalRandom.current().nextLong(interval),
          interval,
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    heartbeats.shutdownNow();
    // As real workers leave: the master forgets them at once instead of after their heartbeats'
    // timeout, and sends them no job meanwhile.
    for (Map.Entry<String, RegistrationServiceGrpc.RegistrationServiceBlockingStub> worker :
        registeredWorkers) {
      try {
        worker
            .getValue()
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .deregister(
                DeregisterRequest.newBuilder()
                    .setWorkerId(worker.getKey())
                    .setReason("bench: shutdown")
                    .build());
      } catch (RuntimeException e) {
        // the master forgets it after the heartbeat timeout instead
      }
    }
    masterChannels.forEach(ManagedChannel::shutdownNow);
    channels.close();
    endpoint.close();
  }
}
