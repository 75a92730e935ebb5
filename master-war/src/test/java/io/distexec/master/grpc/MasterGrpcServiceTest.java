package io.distexec.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.MutableClock;
import io.distexec.master.access.InMemoryAuditLog;
import io.distexec.master.access.InMemoryTokenStore;
import io.distexec.master.access.Role;
import io.distexec.master.access.Tokens;
import io.distexec.master.auth.Audit;
import io.distexec.master.auth.Authenticator;
import io.distexec.master.auth.GrpcAuth;
import io.distexec.master.balancing.RoundRobinBalancer;
import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.jobs.ForwardingJobStore;
import io.distexec.master.jobs.InMemoryJobStore;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.JobValidator;
import io.distexec.master.jobs.PublishingJobStore;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.scheduling.JobQueue;
import io.distexec.master.scheduling.Scheduler;
import io.distexec.master.store.StoreException;
import io.distexec.proto.v1.CancelJobRequest;
import io.distexec.proto.v1.GetJobRequest;
import io.distexec.proto.v1.Job;
import io.distexec.proto.v1.JobEvent;
import io.distexec.proto.v1.JobStatus;
import io.distexec.proto.v1.ListJobsRequest;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.SubmitBatchRequest;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.TaskSpec;
import io.distexec.proto.v1.WatchJobRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MasterGrpcServiceTest {

  private final ExecutorService watchers = Executors.newCachedThreadPool();
  private Server server;
  private volatile boolean storeDown;
  private ManagedChannel channel;
  private MasterServiceGrpc.MasterServiceBlockingStub stub;
  private Tokens tokens;
  private InMemoryAuditLog auditLog;

  @BeforeEach
  void start() throws Exception {
    MutableClock clock = new MutableClock();
    JobEvents events = new JobEvents(1024, clock);
    NodeRegistry registry = new NodeRegistry(clock, Duration.ofSeconds(15));
    JobStore store =
        new PublishingJobStore(
            new ForwardingJobStore(new InMemoryJobStore()) {
              @Override
              public Optional<io.distexec.master.jobs.Job> find(String id) {
                if (storeDown) {
                  throw new StoreException(
                      new SQLException("connection refused (the test's store is down)"));
                }
                return super.find(id);
              }
            },
            events);
    JobQueue queue = new JobQueue(2);
    Dispatcher dispatcher =
        new Dispatcher(
            store,
            queue,
            registry,
            new Scheduler(new RoundRobinBalancer()),
            new GrpcWorkerPort(
                new WorkerChannels(
                    a -> {
                      throw new IllegalStateException("no workers in this test");
                    }),
                () -> 1),
            events,
            clock);
    JobService jobs =
        new JobService(
            store,
            queue,
            new JobValidator(() -> Set.of("command")),
            () -> {},
            dispatcher::cancel,
            events,
            clock,
            dispatcher::waiting);
    String name = InProcessServerBuilder.generateName();
    tokens = new Tokens(new InMemoryTokenStore(), List.of(), clock);
    auditLog = new InMemoryAuditLog();
    Audit audit = new Audit(auditLog, clock);
    MasterGrpcService service =
        new MasterGrpcService(
            jobs,
            events,
            watchers,
            tokens,
            audit,
            election(clock),
            new io.distexec.master.leadership.ClusterWorkers(
                () -> true,
                registry,
                dispatcher::inFlight,
                io.distexec.master.leadership.WorkerBoard.NONE,
                id -> {}),
            new io.distexec.master.api.ScalerReport(
                java.util.Optional.empty(),
                io.distexec.master.config.ScalerConfig.read(setting -> null),
                election(clock)));
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(
                    service,
                    new GrpcAuth(new Authenticator(tokens), audit, MasterGrpcService.ACTIONS),
                    new StatusMappingInterceptor()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = as(token("test-admin", Role.ADMIN));
  }

  /** A token with these roles, made through the API's own code. */
  String token(String name, Role... roles) throws Exception {
    return tokens.create(name, Set.of(roles), "test").secret();
  }

  /** A stub that calls with {@code secret}, or with no credential for {@code null}. */
  MasterServiceGrpc.MasterServiceBlockingStub as(String secret) {
    MasterServiceGrpc.MasterServiceBlockingStub plain = MasterServiceGrpc.newBlockingStub(channel);
    if (secret == null) {
      return plain;
    }
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + secret);
    return plain.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    watchers.shutdownNow();
  }

  private static SubmitRequest echo() {
    return SubmitRequest.newBuilder()
        .setSpec(TaskSpec.newBuilder().setCommand("echo").addArgs("hi").putEnv("TOKEN", "s3cret"))
        .build();
  }

  @Test
  void getScalerSaysWhenTheAutoscalerIsOffAndWithWhichSettings() {
    var scaler = stub.getScaler(io.distexec.proto.v1.GetScalerRequest.getDefaultInstance());
    assertThat(scaler.getEnabled()).isFalse();
    assertThat(scaler.getProblem()).isEqualTo("the autoscaler is off (set SCALER=kubernetes)");
    assertThat(scaler.getSettings().getDeployment()).isEqualTo("distexec-worker");
    assertThat(scaler.getSettings().getMaxWorkers()).isEqualTo(10);
  }

  @Test
  void submitsAndReadsBackAJobWithoutEnvValues() {
    Job submitted = stub.submit(echo()).getJob();
    assertThat(submitted.getStatus()).isEqualTo(JobStatus.JOB_STATUS_QUEUED);
    Job read = stub.getJob(GetJobRequest.newBuilder().setJobId(submitted.getId()).build());
    assertThat(read.getSpec().getCommand()).isEqualTo("echo");
    assertThat(read.getSpec().getArgsList()).containsExactly("hi");
    assertThat(read.getSpec().getEnvMap()).containsOnlyKeys("TOKEN").containsEntry("TOKEN", "");
    assertThat(read.hasExitCode()).isFalse();
    assertThat(read.getWaiting()).isEqualTo("no worker is registered");
    assertThat(submitted.getWaiting()).isEqualTo("no worker is registered");
  }

  @Test
  void answersInvalidArgumentNamingTheField() {
    assertThatThrownBy(() -> stub.submit(SubmitRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("command: must not be empty");
            });
  }

  @Test
  void answersResourceExhaustedWhenTheQueueIsFull() {
    stub.submit(echo());
    stub.submit(echo());
    assertThatThrownBy(() -> stub.submit(echo()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void answersUnavailableOnEveryCallWhileTheStoreIsDown() {
    Job submitted = stub.submit(echo()).getJob();
    storeDown = true;
    assertThatThrownBy(
            () -> stub.getJob(GetJobRequest.newBuilder().setJobId(submitted.getId()).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).isEqualTo(GrpcStatuses.STORE_UNAVAILABLE);
            });
    assertThatThrownBy(
            () -> stub.cancelJob(CancelJobRequest.newBuilder().setJobId(submitted.getId()).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void answersNotFoundForAnUnknownJob() {
    assertThatThrownBy(() -> stub.getJob(GetJobRequest.newBuilder().setJobId("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void cancelsAQueuedJobAndRefusesToCancelItTwice() {
    Job job = stub.submit(echo()).getJob();
    Job cancelled = stub.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
    assertThat(cancelled.getStatus()).isEqualTo(JobStatus.JOB_STATUS_CANCELLED);
    assertThat(cancelled.getError()).isEqualTo("cancelled: cancelled by user");
    assertThatThrownBy(
            () -> stub.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
  }

  @Test
  void watchesAJobFromItsFirstEventToItsEnd() {
    Job job = stub.submit(echo()).getJob();
    stub.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).setReason("test").build());
    List<JobEvent> events = new ArrayList<>();
    stub.watchJob(WatchJobRequest.newBuilder().setJobId(job.getId()).build())
        .forEachRemaining(events::add);
    assertThat(events)
        .extracting(e -> e.getState().getStatus())
        .containsExactly(JobStatus.JOB_STATUS_QUEUED, JobStatus.JOB_STATUS_CANCELLED);
    assertThat(events).extracting(JobEvent::getSequence).containsExactly(1L, 2L);
    // Resuming after the first event gives only the second.
    List<JobEvent> resumed = new ArrayList<>();
    stub.watchJob(WatchJobRequest.newBuilder().setJobId(job.getId()).setAfterSequence(1).build())
        .forEachRemaining(resumed::add);
    assertThat(resumed).extracting(JobEvent::getSequence).containsExactly(2L);
  }

  @Test
  void submitsABatchInOrderOrRefusesItWholeNamingTheJob() {
    SubmitRequest bad = SubmitRequest.getDefaultInstance();
    assertThatThrownBy(
            () ->
                stub.submitBatch(
                    SubmitBatchRequest.newBuilder().addJobs(echo()).addJobs(bad).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .startsWith("jobs[1].command: must not be empty");
            });
    SubmitRequest keyed = echo().toBuilder().setIdempotencyKey("own").build();
    assertThatThrownBy(
            () -> stub.submitBatch(SubmitBatchRequest.newBuilder().addJobs(keyed).build()))
        .hasMessageContaining("jobs[0].idempotency_key: must be empty in a batch");
    assertThatThrownBy(
            () ->
                stub.submitBatch(
                    SubmitBatchRequest.newBuilder()
                        .addJobs(echo())
                        .addJobs(echo())
                        .addJobs(echo())
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

    SubmitRequest second =
        echo().toBuilder().setSpec(echo().getSpec().toBuilder().setArgs(0, "second")).build();
    List<Job> jobs =
        stub.submitBatch(SubmitBatchRequest.newBuilder().addJobs(echo()).addJobs(second).build())
            .getJobsList();
    assertThat(jobs).extracting(j -> j.getSpec().getArgs(0)).containsExactly("hi", "second");
    assertThat(jobs)
        .allSatisfy(j -> assertThat(j.getStatus()).isEqualTo(JobStatus.JOB_STATUS_QUEUED));
    assertThat(jobs)
        .allSatisfy(j -> assertThat(j.getSpec().getEnvMap()).containsEntry("TOKEN", ""));
  }

  @Test
  void replaysASubmitWithTheSameIdempotencyKeyAndRefusesADifferentOne() {
    SubmitRequest keyed = echo().toBuilder().setIdempotencyKey("deploy-42").build();
    Job first = stub.submit(keyed).getJob();
    assertThat(stub.submit(keyed).getJob().getId()).isEqualTo(first.getId());
    SubmitRequest different =
        keyed.toBuilder().setSpec(keyed.getSpec().toBuilder().addArgs("more")).build();
    assertThatThrownBy(() -> stub.submit(different))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
              assertThat(e.getStatus().getDescription())
                  .contains("deploy-42")
                  .contains(first.getId());
            });
  }

  @Test
  void listsJobsByStatus() {
    stub.submit(echo());
    assertThat(
            stub.listJobs(
                    ListJobsRequest.newBuilder().setStatus(JobStatus.JOB_STATUS_QUEUED).build())
                .getJobsCount())
        .isEqualTo(1);
    assertThat(
            stub.listJobs(
                    ListJobsRequest.newBuilder().setStatus(JobStatus.JOB_STATUS_FAILED).build())
                .getJobsCount())
        .isZero();
  }

  /** One master on an in-memory lease: it leads. */
  static io.distexec.master.leadership.Election election(java.time.Clock clock) {
    io.distexec.master.leadership.Election election =
        new io.distexec.master.leadership.Election(
            new io.distexec.master.leadership.InMemoryLeaseStore(clock),
            "master-a",
            "run-1",
            "127.0.0.1:50051",
            "127.0.0.1:50050",
            Duration.ofSeconds(5),
            clock);
    election.tick();
    return election;
  }
}
