package io.distexec.worker.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.common.GrpcChannels;
import io.distexec.common.GrpcEndpoint;
import io.distexec.common.GrpcLimits;
import io.distexec.common.HostPort;
import io.distexec.proto.v1.DeregisterRequest;
import io.distexec.proto.v1.DeregisterResponse;
import io.distexec.proto.v1.HeartbeatRequest;
import io.distexec.proto.v1.HeartbeatResponse;
import io.distexec.proto.v1.RegisterRequest;
import io.distexec.proto.v1.RegisterResponse;
import io.distexec.proto.v1.RegistrationServiceGrpc;
import io.distexec.worker.config.WorkerConfig;
import io.distexec.worker.execution.TaskReport;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Registration against a recording stand-in of the master's RegistrationService, over in-process
 * gRPC.
 */
class MasterConnectionTest {

  /**
   * Records what the worker says; can forget the worker as a restarted master would. Not the real
   * master.
   */
  static final class RecordingMaster extends RegistrationServiceGrpc.RegistrationServiceImplBase {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final AtomicBoolean knowsWorker = new AtomicBoolean();
    final AtomicBoolean drain = new AtomicBoolean();
    final AtomicBoolean hold = new AtomicBoolean();
    final AtomicLong term = new AtomicLong(1);

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
      calls.add(
          "register "
              + request.getWorkerId()
              + " "
              + request.getAddress()
              + " "
              + request.getExecutorsList()
              + " tasks="
              + request.getTaskIdsList());
      knowsWorker.set(true);
      response.onNext(
          RegisterResponse.newBuilder().setHeartbeatIntervalSeconds(1).setTerm(term.get()).build());
      response.onCompleted();
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
      if (!knowsWorker.get()) {
        response.onError(Status.NOT_FOUND.withDescription("unknown").asRuntimeException());
        return;
      }
      calls.add(
          "heartbeat active=" + request.getActiveTasks() + " draining=" + request.getDraining());
      response.onNext(
          HeartbeatResponse.newBuilder().setDrain(drain.get()).setHold(hold.get()).build());
      response.onCompleted();
    }

    @Override
    public void deregister(DeregisterRequest request, StreamObserver<DeregisterResponse> response) {
      calls.add("deregister " + request.getReason());
      response.onNext(DeregisterResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  /** The worker's tasks as a list, and the newest term it has seen. */
  static final class ReportedTasks implements TaskReport {
    final List<String> ids;
    final AtomicLong known = new AtomicLong();

    ReportedTasks(String... ids) {
      this.ids = List.of(ids);
    }

    @Override
    public List<String> taskIds() {
      return ids;
    }

    @Override
    public boolean registered(long term) {
      return known.accumulateAndGet(term, Math::max) == term;
    }

    @Override
    public void unreported() {}

    @Override
    public void termReset(long term) {
      known.set(term);
    }
  }

  private final String name = InProcessServerBuilder.generateName();
  private final ReportedTasks tasks = new ReportedTasks("t#1");
  private final RecordingMaster master = new RecordingMaster();
  private final ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  private final AtomicBoolean draining = new AtomicBoolean();
  private final List<String> requested = new CopyOnWriteArrayList<>();
  private final MasterRequests requests =
      new MasterRequests() {
        @Override
        public void drain() {
          requested.add("drain");
        }

        @Override
        public void hold() {
          requested.add("hold");
        }

        @Override
        public void release() {
          requested.add("release");
        }
      };
  private final WorkerConfig config =
      new WorkerConfig(
          "w1",
          new HostPort("127.0.0.1", 50052),
          "127.0.0.1:50052",
          "127.0.0.1:50051",
          4,
          Duration.ofSeconds(5),
          Duration.ofSeconds(1),
          1 << 20,
          "",
          "",
          Set.of(),
          null,
          GrpcLimits.DEFAULT_MAX_SPEC_BYTES,
          WorkerConfig.DEFAULT_EXECUTOR_THREADS);
  private final MasterConnection connection =
      new MasterConnection(
          config,
          Set.of("command"),
          () -> 2,
          tasks,
          draining::get,
          requests,
          address -> channel,
          scheduler,
          Duration.ofSeconds(3));
  private Server server;

  @AfterEach
  void stop() {
    connection.deregister("test over");
    scheduler.shutdownNow();
    channel.shutdownNow();
    if (server != null) {
      server.shutdownNow();
    }
  }

  private void startMaster() throws Exception {
    server = InProcessServerBuilder.forName(name).addService(master).build().start();
  }

  @Test
  void keepsTryingUntilTheMasterAnswersThenHeartbeats() throws Exception {
    connection.start();
    await()
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !connection.registered());
    startMaster();
    await().atMost(Duration.ofSeconds(15)).until(connection::registered);
    assertThat(master.calls.get(0)).isEqualTo("register w1 127.0.0.1:50052 [command] tasks=[t#1]");
    // The master asked for 1 s heartbeats (not the configured 5 s).
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> master.calls.contains("heartbeat active=2 draining=false"));
  }

  @Test
  void registersAgainWhenTheMasterForgetsIt() throws Exception {
    startMaster();
    connection.start();
    await().atMost(Duration.ofSeconds(5)).until(connection::registered);
    master.knowsWorker.set(false);
    master.calls.clear();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> master.calls.stream().anyMatch(c -> c.startsWith("register")));
  }

  /**
   * A master that answers with an older term than the worker knows woke from a pause thinking it
   * leads: the worker does not stay with it.
   */
  @Test
  void doesNotStayWithAMasterOfAnOlderTermThanItKnows() throws Exception {
    tasks.known.set(5);
    master.term.set(4);
    startMaster();
    connection.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> master.calls.stream().filter(c -> c.startsWith("register")).count() >= 2);
    assertThat(connection.registered()).isFalse();
    assertThat(master.calls).noneMatch(c -> c.startsWith("heartbeat"));
    master.term.set(6); // the new leader
    await().atMost(Duration.ofSeconds(10)).until(connection::registered);
  }

  /**
   * Masters that answer with an older term for longer than the patience (3 s here, 30 s in
   * production) have a new store whose terms began again: the worker follows them rather than stay
   * out of the cluster for good.
   */
  @Test
  void followsMastersWhoseTermsBeganAgainAfterThePatience() throws Exception {
    tasks.known.set(7);
    master.term.set(2);
    startMaster();
    long start = System.nanoTime();
    connection.start();
    await().atMost(Duration.ofSeconds(15)).until(connection::registered);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(3));
    assertThat(tasks.known.get()).isEqualTo(2);
  }

  @Test
  void passesOnTheMastersRequestToDrain() throws Exception {
    startMaster();
    connection.start();
    await().atMost(Duration.ofSeconds(5)).until(connection::registered);
    master.drain.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> requested.contains("drain"));
    // More answers that say drain: asked once.
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> requested.equals(List.of("drain")));
  }

  /** The autoscaler's hold: asked once, then released when an answer no longer says drain. */
  @Test
  void holdsAndReleasesAtTheMastersRequest() throws Exception {
    startMaster();
    connection.start();
    await().atMost(Duration.ofSeconds(5)).until(connection::registered);
    master.hold.set(true);
    master.drain.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> requested.contains("hold"));
    master.drain.set(false);
    await().atMost(Duration.ofSeconds(5)).until(() -> requested.contains("release"));
    // An operator's drain of a held worker: it leaves.
    master.hold.set(true);
    master.drain.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> requested.size() == 3);
    master.hold.set(false);
    await().atMost(Duration.ofSeconds(5)).until(() -> requested.contains("drain"));
    assertThat(requested).containsExactly("hold", "release", "hold", "drain");
  }

  @Test
  void announcesDrainingAtOnceAndDeregistersOnShutdown() throws Exception {
    startMaster();
    connection.start();
    await().atMost(Duration.ofSeconds(5)).until(connection::registered);
    draining.set(true);
    connection.announceDraining();
    assertThat(master.calls).contains("heartbeat active=2 draining=true");
    connection.deregister("shutdown");
    assertThat(master.calls).last().isEqualTo("deregister shutdown");
    assertThat(connection.registered()).isFalse();
  }

  /**
   * Over real loopback TCP: after 12 s without a master, grpc-java's own reconnect backoff has
   * grown to several seconds; the worker still finds a master that comes back on the same port
   * within about one heartbeat interval, as a restarted master's reconciliation needs.
   */
  @Test
  void findsAMasterThatComesBackAfterALongAbsenceWithinAboutOneInterval() throws Exception {
    GrpcEndpoint first =
        GrpcEndpoint.start("test-master", new HostPort("127.0.0.1", 0), List.of(master));
    int port = first.port();
    try (GrpcChannels channels = new GrpcChannels("test-worker")) {
      ManagedChannel tcp = channels.open("127.0.0.1:" + port);
      MasterConnection overTcp =
          new MasterConnection(
              config,
              Set.of("command"),
              () -> 0,
              new ReportedTasks(),
              () -> false,
              requests,
              address -> tcp,
              scheduler);
      GrpcEndpoint second = null;
      try {
        overTcp.start();
        await().atMost(Duration.ofSeconds(5)).until(overTcp::registered);
        first.close(0);
        master.knowsWorker.set(false);
        Thread.sleep(12_000); // heartbeats fail once a second meanwhile
        master.calls.clear();
        second =
            GrpcEndpoint.start("test-master", new HostPort("127.0.0.1", port), List.of(master));
        long back = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> master.calls.stream().anyMatch(c -> c.startsWith("register")));
        // One heartbeat interval (1 s) to notice, one call to register again; without resetting the
        // channel's backoff this took up to its next redial, seconds later.
        assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofMillis(3500));
      } finally {
        overTcp.deregister("test over");
        tcp.shutdownNow();
        if (second != null) {
          second.close(0);
        }
      }
    }
  }
}
