package io.distexec.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.distexec.proto.v1.CancelJobRequest;
import io.distexec.proto.v1.CreateTokenRequest;
import io.distexec.proto.v1.CreateTokenResponse;
import io.distexec.proto.v1.GetJobRequest;
import io.distexec.proto.v1.Job;
import io.distexec.proto.v1.JobEvent;
import io.distexec.proto.v1.JobStateChange;
import io.distexec.proto.v1.JobStatus;
import io.distexec.proto.v1.ListWorkersRequest;
import io.distexec.proto.v1.ListWorkersResponse;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.OutputChunk;
import io.distexec.proto.v1.OutputStream;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.SubmitResponse;
import io.distexec.proto.v1.WatchJobRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the master's gRPC API over in-process gRPC, scripted by each test: it answers with
 * one job, a list of events, or an error. Not the real master (the system tests use that).
 */
public final class ScriptedMaster extends MasterServiceGrpc.MasterServiceImplBase
    implements AutoCloseable {

  public final List<SubmitRequest> submitted = new CopyOnWriteArrayList<>();
  public final List<String> cancelled = new CopyOnWriteArrayList<>();
  public final List<Long> watchedAfter = new CopyOnWriteArrayList<>();
  public final List<CreateTokenRequest> tokensCreated = new CopyOnWriteArrayList<>();
  public volatile Job job =
      Job.newBuilder().setId("job-1").setStatus(JobStatus.JOB_STATUS_QUEUED).build();
  public volatile List<JobEvent> events = new ArrayList<>();
  public volatile Status error;

  /** Breaks the first watch after this many events, to test resuming; -1 never. */
  public volatile int breakWatchAfter = -1;

  private final Server server;
  private final ManagedChannel channel;

  public ScriptedMaster() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(this).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** A job that ends in {@code status}, with stdout, stderr and (if not null) an exit code. */
  public void scriptRun(
      JobStatus status, String stdout, String stderr, Integer exitCode, String error) {
    Job.Builder done = job.toBuilder().setStatus(status).setError(error);
    if (exitCode != null) {
      done.setExitCode(exitCode);
    }
    job = done.build();
    JobStateChange.Builder end = JobStateChange.newBuilder().setStatus(status).setError(error);
    if (exitCode != null) {
      end.setExitCode(exitCode);
    }
    events =
        List.of(
            state(1, JobStatus.JOB_STATUS_QUEUED),
            state(2, JobStatus.JOB_STATUS_RUNNING),
            output(3, OutputStream.OUTPUT_STREAM_STDOUT, stdout),
            output(4, OutputStream.OUTPUT_STREAM_STDERR, stderr),
            JobEvent.newBuilder().setSequence(5).setState(end).build());
  }

  private static JobEvent state(long sequence, JobStatus status) {
    return JobEvent.newBuilder()
        .setSequence(sequence)
        .setState(JobStateChange.newBuilder().setStatus(status))
        .build();
  }

  private static JobEvent output(long sequence, OutputStream stream, String text) {
    return JobEvent.newBuilder()
        .setSequence(sequence)
        .setOutput(
            OutputChunk.newBuilder().setStream(stream).setData(ByteString.copyFromUtf8(text)))
        .build();
  }

  private boolean failed(StreamObserver<?> response) {
    if (error != null) {
      response.onError(error.asRuntimeException());
      return true;
    }
    return false;
  }

  @Override
  public void submit(SubmitRequest request, StreamObserver<SubmitResponse> response) {
    submitted.add(request);
    if (!failed(response)) {
      response.onNext(
          SubmitResponse.newBuilder().setJob(job.toBuilder().setSpec(request.getSpec())).build());
      response.onCompleted();
    }
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<Job> response) {
    if (!failed(response)) {
      response.onNext(job);
      response.onCompleted();
    }
  }

  @Override
  public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
    cancelled.add(request.getJobId() + ": " + request.getReason());
    if (!failed(response)) {
      response.onNext(job);
      response.onCompleted();
    }
  }

  @Override
  public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> response) {
    watchedAfter.add(request.getAfterSequence());
    int sent = 0;
    for (JobEvent event : events) {
      if (event.getSequence() <= request.getAfterSequence()) {
        continue;
      }
      if (sent++ == breakWatchAfter) {
        breakWatchAfter = -1;
        response.onError(
            Status.UNAVAILABLE.withDescription("connection broke").asRuntimeException());
        return;
      }
      response.onNext(event);
    }
    response.onCompleted();
  }

  @Override
  public void getCluster(
      io.distexec.proto.v1.GetClusterRequest request,
      StreamObserver<io.distexec.proto.v1.Cluster> response) {
    if (!failed(response)) {
      com.google.protobuf.Timestamp now =
          io.distexec.common.ProtoTime.timestamp(java.time.Instant.now());
      response.onNext(
          io.distexec.proto.v1.Cluster.newBuilder()
              .setSelf("master-2")
              .setLeader("master-1")
              .setTerm(7)
              .setLeaderSince(now)
              .addMasters(
                  io.distexec.proto.v1.Master.newBuilder()
                      .setName("master-1")
                      .setRole("LEADER")
                      .setApiAddress("10.0.0.1:50051")
                      .setClusterAddress("10.0.0.1:50050")
                      .setStartedAt(now)
                      .setLastSeenAt(now))
              .addMasters(
                  io.distexec.proto.v1.Master.newBuilder()
                      .setName("master-2")
                      .setRole("STANDBY")
                      .setApiAddress("10.0.0.2:50051")
                      .setClusterAddress("10.0.0.2:50050")
                      .setStartedAt(now)
                      .setLastSeenAt(now))
              .build());
      response.onCompleted();
    }
  }

  @Override
  public void getScaler(
      io.distexec.proto.v1.GetScalerRequest request,
      StreamObserver<io.distexec.proto.v1.Scaler> response) {
    if (!failed(response)) {
      com.google.protobuf.Timestamp now =
          io.distexec.common.ProtoTime.timestamp(java.time.Instant.now());
      response.onNext(
          io.distexec.proto.v1.Scaler.newBuilder()
              .setEnabled(true)
              .setLeading(true)
              .setLeader("master-1")
              .setPool("Deployment distexec/distexec-worker")
              .setReplicas(4)
              .setStarting(2)
              .setLast(
                  io.distexec.proto.v1.ScalerDecision.newBuilder()
                      .setAt(now)
                      .setKind("Hold")
                      .setReason("3 queued fit in 2 free slots and those of 2 starting"))
              .addRecent(
                  io.distexec.proto.v1.ScalerDecision.newBuilder()
                      .setAt(now)
                      .setKind("ScaleOut")
                      .setReason("9 queued, 0 free slots: 2 -> 4"))
              .setProblem(
                  "Deployment distexec/distexec-worker: the Kubernetes API refused (403):"
                      + " forbidden")
              .build());
      response.onCompleted();
    }
  }

  @Override
  public void listWorkers(
      ListWorkersRequest request, StreamObserver<ListWorkersResponse> response) {
    if (!failed(response)) {
      response.onNext(
          ListWorkersResponse.newBuilder()
              .addWorkers(
                  io.distexec.proto.v1.Worker.newBuilder()
                      .setId("worker-1")
                      .setAddress("127.0.0.1:50052")
                      .setMaxConcurrentTasks(10)
                      .addExecutors("command"))
              .build());
      response.onCompleted();
    }
  }

  @Override
  public void createToken(
      CreateTokenRequest request, StreamObserver<CreateTokenResponse> response) {
    tokensCreated.add(request);
    if (!failed(response)) {
      io.distexec.proto.v1.ApiToken.Builder token =
          io.distexec.proto.v1.ApiToken.newBuilder()
              .setName(request.getName())
              .addAllRoles(request.getRolesList())
              .setCreatedBy("admin")
              .setSource("api");
      if (request.getExpiresInSeconds() > 0) {
        token.setExpiresAt(
            Timestamp.newBuilder().setSeconds(1_800_000_000L + request.getExpiresInSeconds()));
      }
      response.onNext(
          CreateTokenResponse.newBuilder().setToken(token).setSecret("dxt_scripted").build());
      response.onCompleted();
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }
}
