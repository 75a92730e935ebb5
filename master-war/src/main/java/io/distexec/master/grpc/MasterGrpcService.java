package io.distexec.master.grpc;

import io.distexec.master.dispatch.Dispatcher;
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
import io.distexec.master.registry.NodeRegistry;
import io.distexec.proto.v1.CancelJobRequest;
import io.distexec.proto.v1.DrainWorkerRequest;
import io.distexec.proto.v1.GetJobRequest;
import io.distexec.proto.v1.JobEvent;
import io.distexec.proto.v1.JobStatus;
import io.distexec.proto.v1.ListJobsRequest;
import io.distexec.proto.v1.ListJobsResponse;
import io.distexec.proto.v1.ListWorkersRequest;
import io.distexec.proto.v1.ListWorkersResponse;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.SubmitResponse;
import io.distexec.proto.v1.WatchJobRequest;
import io.distexec.proto.v1.Worker;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/** The client API over gRPC: the same use cases as the REST API, through {@link JobService}. */
@Dependent
public class MasterGrpcService extends MasterServiceGrpc.MasterServiceImplBase {

  private final JobService jobs;
  private final JobEvents events;
  private final NodeRegistry registry;
  private final Dispatcher dispatcher;
  private final Executor executor;

  /**
   * @param executor sends watchers their events
   */
  @Inject
  public MasterGrpcService(
      JobService jobs,
      JobEvents events,
      NodeRegistry registry,
      Dispatcher dispatcher,
      Executor executor) {
    this.jobs = jobs;
    this.events = events;
    this.registry = registry;
    this.dispatcher = dispatcher;
    this.executor = executor;
  }

  @Override
  public void submit(SubmitRequest request, StreamObserver<SubmitResponse> response) {
    try {
      RetryPolicy retry =
          new RetryPolicy(
              Math.max(1, request.getMaxAttempts()), Set.copyOf(request.getRetryOnExitCodesList()));
      Job job =
          jobs.submit(ProtoMapper.toSpec(request.getSpec()), retry, request.getIdempotencyKey())
              .job();
      response.onNext(
          SubmitResponse.newBuilder().setJob(ProtoMapper.toProto(job, jobs.waiting(job))).build());
      response.onCompleted();
    } catch (IdempotencyConflictException | InvalidJobException | QueueFullException e) {
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<io.distexec.proto.v1.Job> response) {
    try {
      Job job = jobs.get(request.getJobId());
      response.onNext(ProtoMapper.toProto(job, jobs.waiting(job)));
      response.onCompleted();
    } catch (JobNotFoundException e) {
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
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
                  request.getCursor().isEmpty() ? null : request.getCursor()));
      ListJobsResponse.Builder list = ListJobsResponse.newBuilder();
      page.jobs().forEach(job -> list.addJobs(ProtoMapper.toProto(job, jobs.waiting(job))));
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
    Optional<String> refusal = JobLimits.refusalOfReason(request.getReason());
    if (refusal.isPresent()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(refusal.get()).asRuntimeException());
      return;
    }
    try {
      response.onNext(ProtoMapper.toProto(jobs.cancel(request.getJobId(), request.getReason())));
      response.onCompleted();
    } catch (JobNotFoundException | JobAlreadyEndedException e) {
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> response) {
    try {
      jobs.get(request.getJobId());
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
    Map<String, Integer> inFlight = dispatcher.inFlight();
    ListWorkersResponse.Builder list = ListWorkersResponse.newBuilder();
    registry
        .snapshot()
        .forEach(w -> list.addWorkers(ProtoMapper.toProto(w, inFlight.getOrDefault(w.id(), 0))));
    response.onNext(list.build());
    response.onCompleted();
  }

  @Override
  public void drainWorker(DrainWorkerRequest request, StreamObserver<Worker> response) {
    registry
        .drain(request.getWorkerId())
        .ifPresentOrElse(
            w -> {
              response.onNext(
                  ProtoMapper.toProto(w, dispatcher.inFlight().getOrDefault(w.id(), 0)));
              response.onCompleted();
            },
            () ->
                response.onError(
                    Status.NOT_FOUND
                        .withDescription("no worker " + request.getWorkerId() + " is registered")
                        .asRuntimeException()));
  }
}
