package io.distexec.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.MutableClock;
import io.distexec.master.jobs.InMemoryJobStore;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.JobValidator;
import io.distexec.master.scheduling.JobQueue;
import io.distexec.proto.v1.GetJobRequest;
import io.distexec.proto.v1.Job;
import io.distexec.proto.v1.JobStatus;
import io.distexec.proto.v1.ListJobsRequest;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.TaskSpec;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MasterGrpcServiceTest {

  private Server server;
  private ManagedChannel channel;
  private MasterServiceGrpc.MasterServiceBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    JobService jobs = new JobService(new InMemoryJobStore(), new JobQueue(2), new JobValidator(() -> Set.of("command")),
        () -> { }, new MutableClock());
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new MasterGrpcService(jobs)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = MasterServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static SubmitRequest echo() {
    return SubmitRequest.newBuilder().setSpec(TaskSpec.newBuilder().setCommand("echo").addArgs("hi")
        .putEnv("TOKEN", "s3cret")).build();
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
  }

  @Test
  void answersInvalidArgumentNamingTheField() {
    assertThatThrownBy(() -> stub.submit(SubmitRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("command: must not be empty");
        });
  }

  @Test
  void answersResourceExhaustedWhenTheQueueIsFull() {
    stub.submit(echo());
    stub.submit(echo());
    assertThatThrownBy(() -> stub.submit(echo()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void answersNotFoundForAnUnknownJob() {
    assertThatThrownBy(() -> stub.getJob(GetJobRequest.newBuilder().setJobId("nope").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void listsJobsByStatus() {
    stub.submit(echo());
    assertThat(stub.listJobs(ListJobsRequest.newBuilder().setStatus(JobStatus.JOB_STATUS_QUEUED).build()).getJobsCount())
        .isEqualTo(1);
    assertThat(stub.listJobs(ListJobsRequest.newBuilder().setStatus(JobStatus.JOB_STATUS_FAILED).build()).getJobsCount())
        .isZero();
  }
}
