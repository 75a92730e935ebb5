package io.distexec.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.MutableClock;
import io.distexec.master.balancing.RoundRobinBalancer;
import io.distexec.master.config.MasterConfig;
import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.jobs.InMemoryJobStore;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.scheduling.JobQueue;
import io.distexec.master.scheduling.Scheduler;
import io.distexec.proto.v1.DeregisterRequest;
import io.distexec.proto.v1.HeartbeatRequest;
import io.distexec.proto.v1.RegisterRequest;
import io.distexec.proto.v1.RegisterResponse;
import io.distexec.proto.v1.RegistrationServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistrationGrpcServiceTest {

  private final NodeRegistry registry =
      new NodeRegistry(new MutableClock(), Duration.ofSeconds(15));
  private final MasterConfig config =
      new MasterConfig(
          "127.0.0.1",
          0,
          10,
          Duration.ofSeconds(15),
          Duration.ofSeconds(5),
          "round-robin",
          Duration.ofDays(7),
          1024 * 1024,
          io.distexec.master.jobs.JobLimits.DEFAULTS);
  private final Dispatcher dispatcher =
      new Dispatcher(
          new InMemoryJobStore(),
          new JobQueue(10),
          registry,
          new Scheduler(new RoundRobinBalancer()),
          new GrpcWorkerPort(
              new WorkerChannels(
                  a -> {
                    throw new UnsupportedOperationException();
                  }),
              () -> 1),
          new JobEvents(1024, new MutableClock()),
          new MutableClock());
  private final io.distexec.master.leadership.InMemoryLeaseStore leases =
      new io.distexec.master.leadership.InMemoryLeaseStore(new MutableClock());
  private final io.distexec.master.leadership.Election election =
      new io.distexec.master.leadership.Election(
          leases,
          "m1",
          "run-1",
          "127.0.0.1:50051",
          "10.0.0.1:50050",
          Duration.ofSeconds(5),
          new MutableClock());
  private Server server;
  private ManagedChannel channel;
  private RegistrationServiceGrpc.RegistrationServiceBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    election.tick(); // it leads
    dispatcher.start( // and takes workers in
        loop -> {
          Thread t = new Thread(loop, "dispatch-loop");
          t.setDaemon(true);
          t.start();
        });
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new RegistrationGrpcService(registry, config, dispatcher, election))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = RegistrationServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    dispatcher.close();
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static RegisterRequest.Builder valid() {
    return RegisterRequest.newBuilder()
        .setWorkerId("w1")
        .setAddress("127.0.0.1:50052")
        .setMaxConcurrentTasks(4)
        .addExecutors("command");
  }

  @Test
  void registersAWorkerAndTellsItTheHeartbeatTimings() {
    RegisterResponse response = stub.register(valid().build());
    assertThat(response.getHeartbeatIntervalSeconds()).isEqualTo(5);
    assertThat(response.getHeartbeatTimeoutSeconds()).isEqualTo(15);
    assertThat(registry.find("w1"))
        .get()
        .satisfies(
            w -> {
              assertThat(w.address()).isEqualTo("127.0.0.1:50052");
              assertThat(w.maxConcurrentTasks()).isEqualTo(4);
              assertThat(w.executors()).containsExactly("command");
            });
  }

  @Test
  void rejectsAnIncompleteRegistrationListingEveryProblem() {
    assertThatThrownBy(
            () -> stub.register(RegisterRequest.newBuilder().setAddress("nowhere").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("worker_id must not be empty")
                  .contains("expected host:port")
                  .contains("max_concurrent_tasks must be at least 1")
                  .contains("executors must name at least one executor");
            });
    assertThat(registry.snapshot()).isEmpty();
  }

  @Test
  void refusesAnOverlongIdAndMoreSlotsThanAWorkerCanHave() {
    assertThatThrownBy(
            () ->
                stub.register(
                    valid()
                        .setWorkerId("w".repeat(256))
                        .setMaxConcurrentTasks(Integer.MAX_VALUE)
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("worker_id must be at most 255 letters")
                  .contains("max_concurrent_tasks must be at least 1 and at most 10000");
            });
    assertThat(registry.snapshot()).isEmpty();
  }

  @Test
  void answersNotFoundToAHeartbeatFromAnUnknownWorker() {
    assertThatThrownBy(
            () -> stub.heartbeat(HeartbeatRequest.newBuilder().setWorkerId("ghost").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void recordsHeartbeatsAndDeregistrations() {
    stub.register(valid().build());
    stub.heartbeat(
        HeartbeatRequest.newBuilder()
            .setWorkerId("w1")
            .setActiveTasks(3)
            .setDraining(true)
            .build());
    assertThat(registry.find("w1"))
        .get()
        .satisfies(
            w -> {
              assertThat(w.reportedActiveTasks()).isEqualTo(3);
              assertThat(w.draining()).isTrue();
            });
    stub.deregister(DeregisterRequest.newBuilder().setWorkerId("w1").setReason("shutdown").build());
    assertThat(registry.snapshot()).isEmpty();
  }

  @Test
  void aStandbyNamesTheLeaderToAWorkerInsteadOfTakingItIn() throws Exception {
    io.distexec.master.leadership.Election standby =
        new io.distexec.master.leadership.Election(
            leases,
            "m2",
            "run-1",
            "127.0.0.1:50151",
            "10.0.0.2:50050",
            Duration.ofSeconds(5),
            new MutableClock());
    standby.tick();
    String name = InProcessServerBuilder.generateName();
    Server other =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new RegistrationGrpcService(registry, config, dispatcher, standby))
            .build()
            .start();
    ManagedChannel toStandby = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      io.grpc.StatusRuntimeException refused =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              io.grpc.StatusRuntimeException.class,
              () ->
                  RegistrationServiceGrpc.newBlockingStub(toStandby)
                      .register(
                          io.distexec.proto.v1.RegisterRequest.newBuilder()
                              .setWorkerId("w1")
                              .setAddress("127.0.0.1:6000")
                              .setMaxConcurrentTasks(2)
                              .addExecutors("command")
                              .build()));
      org.assertj.core.api.Assertions.assertThat(refused.getStatus().getCode())
          .isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
      org.assertj.core.api.Assertions.assertThat(
              refused.getTrailers().get(io.distexec.common.LeaderTrailer.KEY))
          .isEqualTo("10.0.0.1:50050");
      org.assertj.core.api.Assertions.assertThat(registry.find("w1")).isEmpty();
    } finally {
      toStandby.shutdownNow();
      other.shutdownNow();
    }
  }
}
