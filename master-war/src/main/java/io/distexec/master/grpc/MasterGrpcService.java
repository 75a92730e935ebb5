package io.distexec.master.grpc;

import io.distexec.common.ProtoTime;
import io.distexec.master.access.AccessDeniedException;
import io.distexec.master.access.Action;
import io.distexec.master.access.ApiToken;
import io.distexec.master.access.AuditChain;
import io.distexec.master.access.AuditEntry;
import io.distexec.master.access.Caller;
import io.distexec.master.access.Role;
import io.distexec.master.access.TokenException;
import io.distexec.master.access.Tokens;
import io.distexec.master.api.ClusterView;
import io.distexec.master.api.ScalerReport;
import io.distexec.master.auth.Audit;
import io.distexec.master.auth.GrpcAuth;
import io.distexec.master.jobs.IdempotencyConflictException;
import io.distexec.master.jobs.InvalidCursorException;
import io.distexec.master.jobs.InvalidJobException;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobAlreadyEndedException;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobLimits;
import io.distexec.master.jobs.JobNotFoundException;
import io.distexec.master.jobs.JobQuery;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.Page;
import io.distexec.master.jobs.QueueFullException;
import io.distexec.master.jobs.RetryPolicy;
import io.distexec.master.leadership.ClusterWorkers;
import io.distexec.master.leadership.Election;
import io.distexec.proto.v1.CancelJobRequest;
import io.distexec.proto.v1.Cluster;
import io.distexec.proto.v1.CreateTokenRequest;
import io.distexec.proto.v1.CreateTokenResponse;
import io.distexec.proto.v1.DrainWorkerRequest;
import io.distexec.proto.v1.GetClusterRequest;
import io.distexec.proto.v1.GetJobRequest;
import io.distexec.proto.v1.GetScalerRequest;
import io.distexec.proto.v1.JobEvent;
import io.distexec.proto.v1.JobStatus;
import io.distexec.proto.v1.ListAuditRequest;
import io.distexec.proto.v1.ListAuditResponse;
import io.distexec.proto.v1.ListJobsRequest;
import io.distexec.proto.v1.ListJobsResponse;
import io.distexec.proto.v1.ListTokensRequest;
import io.distexec.proto.v1.ListTokensResponse;
import io.distexec.proto.v1.ListWorkersRequest;
import io.distexec.proto.v1.ListWorkersResponse;
import io.distexec.proto.v1.Master;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.RevokeTokenRequest;
import io.distexec.proto.v1.SubmitBatchRequest;
import io.distexec.proto.v1.SubmitBatchResponse;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.SubmitResponse;
import io.distexec.proto.v1.VerifyAuditRequest;
import io.distexec.proto.v1.VerifyAuditResponse;
import io.distexec.proto.v1.WatchJobRequest;
import io.distexec.proto.v1.Worker;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The client API over gRPC: the same use cases as the REST API, through {@link JobService}. Every
 * call arrives authenticated ({@link GrpcAuth}, with {@link #ACTIONS}); the per-job rules are the
 * caller's ({@link Caller}).
 */
@Dependent
public class MasterGrpcService extends MasterServiceGrpc.MasterServiceImplBase {

  /** The action of each method: the roles that may call it. */
  public static final Map<String, Action> ACTIONS =
      Map.ofEntries(
          Map.entry("Submit", Action.SUBMIT_JOB),
          Map.entry("SubmitBatch", Action.SUBMIT_JOB),
          Map.entry("GetJob", Action.READ_JOBS),
          Map.entry("ListJobs", Action.READ_JOBS),
          Map.entry("CancelJob", Action.CANCEL_JOB),
          Map.entry("WatchJob", Action.READ_JOBS),
          Map.entry("ListWorkers", Action.READ_WORKERS),
          Map.entry("GetCluster", Action.READ_WORKERS),
          Map.entry("GetScaler", Action.READ_WORKERS),
          Map.entry("DrainWorker", Action.DRAIN_WORKER),
          Map.entry("CreateToken", Action.MANAGE_TOKENS),
          Map.entry("ListTokens", Action.MANAGE_TOKENS),
          Map.entry("RevokeToken", Action.MANAGE_TOKENS),
          Map.entry("ListAudit", Action.READ_AUDIT),
          Map.entry("VerifyAudit", Action.READ_AUDIT));

  private final Election election;
  private final ClusterWorkers workers;
  private final JobService jobs;
  private final JobEvents events;
  private final Executor executor;
  private final Tokens tokens;
  private final Audit audit;
  private final ScalerReport scaler;

  /**
   * @param executor sends watchers their events
   */
  @Inject
  public MasterGrpcService(
      JobService jobs,
      JobEvents events,
      Executor executor,
      Tokens tokens,
      Audit audit,
      Election election,
      ClusterWorkers workers,
      ScalerReport scaler) {
    this.scaler = scaler;
    this.election = election;
    this.workers = workers;
    this.jobs = jobs;
    this.events = events;
    this.executor = executor;
    this.tokens = tokens;
    this.audit = audit;
  }

  @Override
  public void submit(SubmitRequest request, StreamObserver<SubmitResponse> response) {
    Caller caller = GrpcAuth.caller();
    try {
      Job job =
          jobs.submit(
                  ProtoMapper.toSpec(request.getSpec()),
                  retryOf(request),
                  request.getIdempotencyKey(),
                  caller.name())
              .job();
      audit.record(caller, "job.submit", job.id(), GrpcAuth.address(), Audit.OK);
      response.onNext(SubmitResponse.newBuilder().setJob(view(caller, job)).build());
      response.onCompleted();
    } catch (IdempotencyConflictException | InvalidJobException | QueueFullException e) {
      audit.record(caller, "job.submit", "", GrpcAuth.address(), "refused: " + e.getMessage());
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void submitBatch(
      SubmitBatchRequest request, StreamObserver<SubmitBatchResponse> response) {
    Caller caller = GrpcAuth.caller();
    try {
      List<JobService.Request> requests = new ArrayList<>(request.getJobsCount());
      for (int i = 0; i < request.getJobsCount(); i++) {
        SubmitRequest job = request.getJobs(i);
        if (!job.getIdempotencyKey().isEmpty()) {
          throw InvalidJobException.of(
              "jobs[" + i + "].idempotency_key",
              "must be empty in a batch: give the batch its idempotency_key");
        }
        requests.add(new JobService.Request(ProtoMapper.toSpec(job.getSpec()), retryOf(job)));
      }
      List<Job> submitted =
          jobs.submitAll(requests, request.getIdempotencyKey(), caller.name()).stream()
              .map(JobService.Submitted::job)
              .toList();
      audit.record(
          caller, "job.submit_batch", Audit.batch(submitted), GrpcAuth.address(), Audit.OK);
      SubmitBatchResponse.Builder answer = SubmitBatchResponse.newBuilder();
      submitted.forEach(job -> answer.addJobs(view(caller, job)));
      response.onNext(answer.build());
      response.onCompleted();
    } catch (IdempotencyConflictException | InvalidJobException | QueueFullException e) {
      audit.record(
          caller, "job.submit_batch", "", GrpcAuth.address(), "refused: " + e.getMessage());
      response.onError(GrpcStatuses.exception(e));
    }
  }

  private static RetryPolicy retryOf(SubmitRequest request) {
    return new RetryPolicy(
        Math.max(1, request.getMaxAttempts()), Set.copyOf(request.getRetryOnExitCodesList()));
  }

  /** The job as this caller may see it: a script's attributes only for its owner and admins. */
  private io.distexec.proto.v1.Job view(Caller caller, Job job) {
    io.distexec.proto.v1.Job proto = ProtoMapper.toProto(job, jobs.waiting(job));
    if (caller.maySeeAttributes(job)) {
      return proto;
    }
    return proto.toBuilder().setSpec(proto.getSpec().toBuilder().clearAttributes()).build();
  }

  /** The job, if this caller may see it; others' jobs do not exist for a submitter. */
  private Job visible(Caller caller, String id) throws JobNotFoundException {
    Job job = jobs.get(id);
    if (!caller.maySee(job)) {
      throw new JobNotFoundException(id);
    }
    return job;
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<io.distexec.proto.v1.Job> response) {
    Caller caller = GrpcAuth.caller();
    try {
      response.onNext(view(caller, visible(caller, request.getJobId())));
      response.onCompleted();
    } catch (JobNotFoundException e) {
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
    Caller caller = GrpcAuth.caller();
    if (request.getStatus() == JobStatus.UNRECOGNIZED) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription("status is not a known JobStatus")
              .asRuntimeException());
      return;
    }
    try {
      Page page =
          jobs.list(
              new JobQuery(
                  ProtoMapper.fromProto(request.getStatus()),
                  request.getWorkerId().isEmpty() ? null : request.getWorkerId(),
                  request.hasSince() ? ProtoMapper.instant(request.getSince()) : null,
                  request.getLimit(),
                  request.getCursor().isEmpty() ? null : request.getCursor(),
                  caller.listingOwner()));
      ListJobsResponse.Builder list = ListJobsResponse.newBuilder();
      page.jobs().forEach(job -> list.addJobs(view(caller, job)));
      if (page.nextCursor() != null) {
        list.setNextCursor(page.nextCursor());
      }
      response.onNext(list.build());
      response.onCompleted();
    } catch (InvalidCursorException e) {
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void cancelJob(
      CancelJobRequest request, StreamObserver<io.distexec.proto.v1.Job> response) {
    Caller caller = GrpcAuth.caller();
    Optional<String> refusal = JobLimits.refusalOfReason(request.getReason());
    if (refusal.isPresent()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(refusal.get()).asRuntimeException());
      return;
    }
    String id = request.getJobId();
    try {
      Job job = visible(caller, id);
      if (!caller.mayCancel(job)) {
        throw new AccessDeniedException(caller, Action.CANCEL_JOB);
      }
      Job cancelled = jobs.cancel(id, request.getReason());
      audit.record(caller, "job.cancel", id, GrpcAuth.address(), Audit.OK);
      response.onNext(view(caller, cancelled));
      response.onCompleted();
    } catch (JobNotFoundException | JobAlreadyEndedException | AccessDeniedException e) {
      audit.record(caller, "job.cancel", id, GrpcAuth.address(), "refused: " + e.getMessage());
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> response) {
    try {
      visible(GrpcAuth.caller(), request.getJobId());
    } catch (JobNotFoundException e) {
      response.onError(GrpcStatuses.exception(e));
      return;
    }
    ServerCallStreamObserver<JobEvent> call = (ServerCallStreamObserver<JobEvent>) response;
    Runnable unsubscribe =
        events.watch(
            request.getJobId(), request.getAfterSequence(), new GrpcWatcher(call, executor));
    call.setOnCancelHandler(unsubscribe);
  }

  @Override
  public void listWorkers(
      ListWorkersRequest request, StreamObserver<ListWorkersResponse> response) {
    ListWorkersResponse.Builder list = ListWorkersResponse.newBuilder();
    workers.list().forEach(e -> list.addWorkers(ProtoMapper.toProto(e.node(), e.inFlight())));
    response.onNext(list.build());
    response.onCompleted();
  }

  @Override
  public void getCluster(GetClusterRequest request, StreamObserver<Cluster> response) {
    ClusterView view = ClusterView.of(election);
    Cluster.Builder cluster = Cluster.newBuilder().setSelf(view.self());
    if (view.leader() != null) {
      cluster
          .setLeader(view.leader().name())
          .setTerm(view.leader().term())
          .setLeaderSince(ProtoTime.timestamp(view.leader().since()));
    }
    view.masters()
        .forEach(
            m ->
                cluster.addMasters(
                    Master.newBuilder()
                        .setName(m.name())
                        .setRole(m.role())
                        .setApiAddress(m.apiAddress())
                        .setClusterAddress(m.clusterAddress())
                        .setStartedAt(ProtoTime.timestamp(m.startedAt()))
                        .setLastSeenAt(ProtoTime.timestamp(m.lastSeenAt()))));
    response.onNext(cluster.build());
    response.onCompleted();
  }

  @Override
  public void getScaler(
      GetScalerRequest request, StreamObserver<io.distexec.proto.v1.Scaler> response) {
    response.onNext(ProtoMapper.toProto(scaler.view()));
    response.onCompleted();
  }

  @Override
  public void drainWorker(DrainWorkerRequest request, StreamObserver<Worker> response) {
    Caller caller = GrpcAuth.caller();
    String id = request.getWorkerId();
    workers
        .drain(id)
        .ifPresentOrElse(
            e -> {
              audit.record(caller, "worker.drain", id, GrpcAuth.address(), Audit.OK);
              response.onNext(ProtoMapper.toProto(e.node(), e.inFlight()));
              response.onCompleted();
            },
            () -> {
              audit.record(
                  caller, "worker.drain", id, GrpcAuth.address(), "refused: no such worker");
              response.onError(
                  Status.NOT_FOUND
                      .withDescription("no worker " + id + " is registered")
                      .asRuntimeException());
            });
  }

  @Override
  public void createToken(
      CreateTokenRequest request, StreamObserver<CreateTokenResponse> response) {
    Caller caller = GrpcAuth.caller();
    try {
      Set<Role> roles = new LinkedHashSet<>();
      for (String role : request.getRolesList()) {
        roles.add(Role.parse(role));
      }
      Duration lifetime =
          request.hasExpiresInSeconds()
              ? Duration.ofSeconds(request.getExpiresInSeconds())
              : Tokens.DEFAULT_LIFETIME;
      Tokens.Issued issued = tokens.create(request.getName(), roles, caller.name(), lifetime);
      audit.record(
          caller,
          "token.create",
          request.getName(),
          GrpcAuth.address(),
          "ok: " + Role.labels(issued.token().roles()));
      response.onNext(
          CreateTokenResponse.newBuilder()
              .setToken(ProtoMapper.toProto(issued.token()))
              .setSecret(issued.secret())
              .build());
      response.onCompleted();
    } catch (TokenException | IllegalArgumentException e) {
      audit.record(
          caller,
          "token.create",
          request.getName(),
          GrpcAuth.address(),
          "refused: " + e.getMessage());
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void listTokens(ListTokensRequest request, StreamObserver<ListTokensResponse> response) {
    ListTokensResponse.Builder list = ListTokensResponse.newBuilder();
    tokens.list().forEach(t -> list.addTokens(ProtoMapper.toProto(t)));
    response.onNext(list.build());
    response.onCompleted();
  }

  @Override
  public void revokeToken(
      RevokeTokenRequest request, StreamObserver<io.distexec.proto.v1.ApiToken> response) {
    Caller caller = GrpcAuth.caller();
    try {
      tokens.revoke(request.getName());
      audit.record(caller, "token.revoke", request.getName(), GrpcAuth.address(), Audit.OK);
      ApiToken revoked =
          tokens.list().stream()
              .filter(t -> t.name().equals(request.getName()) && t.revoked())
              .reduce((a, b) -> b)
              .orElseThrow();
      response.onNext(ProtoMapper.toProto(revoked));
      response.onCompleted();
    } catch (TokenException e) {
      audit.record(
          caller,
          "token.revoke",
          request.getName(),
          GrpcAuth.address(),
          "refused: " + e.getMessage());
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void listAudit(ListAuditRequest request, StreamObserver<ListAuditResponse> response) {
    if (request.getLimit() < 0 || request.getLimit() > 1000) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription("limit must be 1-1000 (0 for 100)")
              .asRuntimeException());
      return;
    }
    int limit = request.getLimit() == 0 ? 100 : request.getLimit();
    ListAuditResponse.Builder list = ListAuditResponse.newBuilder();
    for (AuditEntry e : audit.log().list(request.getAfterSequence(), limit)) {
      list.addEntries(ProtoMapper.toProto(e));
    }
    response.onNext(list.build());
    response.onCompleted();
  }

  @Override
  public void verifyAudit(
      VerifyAuditRequest request, StreamObserver<VerifyAuditResponse> response) {
    AuditChain.Verification v = audit.log().verify();
    response.onNext(
        VerifyAuditResponse.newBuilder()
            .setValid(v.valid())
            .setEntries(v.entries())
            .setHeadSequence(v.headSeq())
            .setBrokenAt(v.brokenAt())
            .setProblem(v.problem())
            .build());
    response.onCompleted();
  }
}
