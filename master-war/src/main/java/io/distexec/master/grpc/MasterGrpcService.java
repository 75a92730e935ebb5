package io.distexec.master.grpc;

import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobNotFoundException;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.InvalidJobException;
import io.distexec.master.jobs.QueueFullException;
import io.distexec.proto.v1.GetJobRequest;
import io.distexec.proto.v1.ListJobsRequest;
import io.distexec.proto.v1.ListJobsResponse;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.SubmitResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** The client API over gRPC: the same use cases as the REST API, through {@link JobService}. */
@Dependent
public class MasterGrpcService extends MasterServiceGrpc.MasterServiceImplBase {

  private final JobService jobs;

  @Inject
  public MasterGrpcService(JobService jobs) {
    this.jobs = jobs;
  }

  @Override
  public void submit(SubmitRequest request, StreamObserver<SubmitResponse> response) {
    try {
      Job job = jobs.submit(ProtoMapper.toSpec(request.getSpec()));
      response.onNext(SubmitResponse.newBuilder().setJob(ProtoMapper.toProto(job)).build());
      response.onCompleted();
    } catch (InvalidJobException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (QueueFullException e) {
      response.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<io.distexec.proto.v1.Job> response) {
    try {
      response.onNext(ProtoMapper.toProto(jobs.get(request.getJobId())));
      response.onCompleted();
    } catch (JobNotFoundException e) {
      response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
    if (request.getStatus() == io.distexec.proto.v1.JobStatus.UNRECOGNIZED) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("status is not a known JobStatus").asRuntimeException());
      return;
    }
    ListJobsResponse.Builder list = ListJobsResponse.newBuilder();
    jobs.list(ProtoMapper.fromProto(request.getStatus()), request.getLimit())
        .forEach(job -> list.addJobs(ProtoMapper.toProto(job)));
    response.onNext(list.build());
    response.onCompleted();
  }
}
