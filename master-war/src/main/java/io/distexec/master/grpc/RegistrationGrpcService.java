package io.distexec.master.grpc;

import io.distexec.common.ClusterTls;
import io.distexec.common.HostPort;
import io.distexec.common.LeaderTrailer;
import io.distexec.master.config.MasterConfig;
import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.leadership.Election;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.registry.Registration;
import io.distexec.master.registry.UnknownWorkerException;
import io.distexec.proto.v1.DeregisterRequest;
import io.distexec.proto.v1.DeregisterResponse;
import io.distexec.proto.v1.HeartbeatRequest;
import io.distexec.proto.v1.HeartbeatResponse;
import io.distexec.proto.v1.RegisterRequest;
import io.distexec.proto.v1.RegisterResponse;
import io.distexec.proto.v1.RegistrationServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Workers join, heartbeat and leave through this service. {@code @Dependent} because grpc-java's
 * {@code bindService()} is final and cannot be proxied.
 */
@Dependent
public class RegistrationGrpcService extends RegistrationServiceGrpc.RegistrationServiceImplBase {

  private final NodeRegistry registry;
  private final MasterConfig config;
  private final Dispatcher dispatcher;
  private final Election election;

  @Inject
  public RegistrationGrpcService(
      NodeRegistry registry, MasterConfig config, Dispatcher dispatcher, Election election) {
    this.registry = registry;
    this.config = config;
    this.dispatcher = dispatcher;
    this.election = election;
  }

  /**
   * Only the leader takes workers in, once it has read the jobs they may report on. A standby names
   * the leader (FAILED_PRECONDITION with the {@link LeaderTrailer} trailer) and the worker goes
   * there; without a leader, or during a takeover, UNAVAILABLE: try again shortly.
   */
  private boolean notHere(StreamObserver<?> response) {
    if (election.leading() && dispatcher.acceptsWorkers()) {
      return false;
    }
    if (election.leading()) {
      response.onError(
          Status.UNAVAILABLE
              .withDescription("this master is taking over as leader; register again shortly")
              .asRuntimeException());
      return true;
    }
    var leader = election.leaderClusterAddress();
    if (leader.isEmpty()) {
      response.onError(
          Status.UNAVAILABLE
              .withDescription("no master leads at this moment; register again shortly")
              .asRuntimeException());
      return true;
    }
    Metadata trailers = new Metadata();
    trailers.put(LeaderTrailer.KEY, leader.get());
    response.onError(
        Status.FAILED_PRECONDITION
            .withDescription(
                "master " + election.name() + " stands by; the leader is at " + leader.get())
            .asRuntimeException(trailers));
    return true;
  }

  /**
   * Over mutual TLS a worker speaks only for itself: the id it names must be its certificate's (CN;
   * or in the pool of a pool certificate, see {@link ClusterTls.Peer#speaksFor}), so one worker
   * cannot register, heartbeat or deregister as another, nor replace it.
   */
  private static boolean impersonates(String workerId, StreamObserver<?> response) {
    var peer = ClusterTls.currentPeer();
    if (peer.isPresent() && !peer.get().speaksFor(workerId)) {
      response.onError(
          Status.PERMISSION_DENIED
              .withDescription(
                  "the certificate of '"
                      + peer.get().name()
                      + "' may not speak for worker '"
                      + workerId
                      + "'")
              .asRuntimeException());
      return true;
    }
    return false;
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    Registration registration =
        new Registration(
            request.getWorkerId(),
            request.getAddress(),
            request.getHttpUrl(),
            request.getMaxConcurrentTasks(),
            new HashSet<>(request.getExecutorsList()),
            request.getLabelsMap());
    List<String> problems = new ArrayList<>(registration.problems(request.getTaskIdsCount()));
    try {
      HostPort.parse("address", request.getAddress());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription(String.join("; ", problems))
              .asRuntimeException());
      return;
    }
    if (impersonates(request.getWorkerId(), response) || notHere(response)) {
      return;
    }
    registry.register(registration);
    // After a master restart: pick up the jobs this worker ran for the previous master.
    dispatcher.reconcile(request.getWorkerId(), request.getTaskIdsList());
    response.onNext(
        RegisterResponse.newBuilder()
            .setHeartbeatIntervalSeconds((int) config.heartbeatInterval().toSeconds())
            .setHeartbeatTimeoutSeconds((int) config.heartbeatTimeout().toSeconds())
            .setTerm(election.term())
            .build());
    response.onCompleted();
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
    if (impersonates(request.getWorkerId(), response)) {
      return;
    }
    try {
      var node =
          registry.heartbeat(
              request.getWorkerId(), request.getActiveTasks(), request.getDraining());
      response.onNext(
          HeartbeatResponse.newBuilder()
              .setDrain(node.drainRequested())
              .setHold(node.held())
              .build());
      response.onCompleted();
    } catch (UnknownWorkerException e) {
      response.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void deregister(DeregisterRequest request, StreamObserver<DeregisterResponse> response) {
    if (impersonates(request.getWorkerId(), response)) {
      return;
    }
    registry.deregister(
        request.getWorkerId(),
        request.getReason().isBlank() ? "no reason given" : request.getReason());
    response.onNext(DeregisterResponse.getDefaultInstance());
    response.onCompleted();
  }
}
