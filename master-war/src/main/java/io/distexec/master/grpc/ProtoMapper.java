package io.distexec.master.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.distexec.common.ProtoTime;
import io.distexec.executor.StdStream;
import io.distexec.master.access.ApiToken;
import io.distexec.master.access.AuditEntry;
import io.distexec.master.access.Role;
import io.distexec.master.api.ScalerView;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.registry.WorkerNode;
import io.distexec.proto.v1.JobEvent;
import io.distexec.proto.v1.JobStateChange;
import io.distexec.proto.v1.OutputChunk;
import io.distexec.proto.v1.OutputStream;
import io.distexec.proto.v1.ScalerDecision;
import io.distexec.proto.v1.ScalerSettings;
import io.distexec.proto.v1.TaskOutcome;
import io.distexec.proto.v1.TaskResult;
import io.distexec.proto.v1.TaskSpec;
import io.distexec.proto.v1.Worker;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Converts between protobuf messages and the master's records, in one place; handles proto3's
 * "empty means absent" here so that nothing else has to.
 */
public final class ProtoMapper {

  private ProtoMapper() {}

  public static JobSpec toSpec(TaskSpec spec) {
    return new JobSpec(
        spec.getType(),
        spec.getCommand(),
        spec.getArgsList(),
        spec.getEnvMap(),
        spec.getWorkdir(),
        spec.getStdin().toByteArray(),
        spec.getTimeoutSeconds(),
        spec.getAttributesMap(),
        spec.getShell());
  }

  public static TaskSpec toProto(JobSpec spec) {
    TaskSpec.Builder b =
        TaskSpec.newBuilder()
            .setType(spec.type())
            .setCommand(spec.command())
            .addAllArgs(spec.args())
            .putAllEnv(spec.env())
            .setStdin(ByteString.copyFrom(spec.stdin()))
            .setTimeoutSeconds((int) spec.timeoutSeconds())
            .putAllAttributes(spec.attributes())
            .setShell(spec.shell());
    if (spec.workdir() != null) {
      b.setWorkdir(spec.workdir());
    }
    return b.build();
  }

  public static JobStatus toStatus(TaskOutcome outcome) {
    return switch (outcome) {
      case TASK_OUTCOME_SUCCEEDED -> JobStatus.SUCCEEDED;
      case TASK_OUTCOME_TIMED_OUT -> JobStatus.TIMED_OUT;
      case TASK_OUTCOME_CANCELLED -> JobStatus.CANCELLED;
      default -> JobStatus.FAILED;
    };
  }

  public static JobOutcome toOutcome(TaskResult result) {
    return new JobOutcome(
        result.hasExitCode() ? OptionalInt.of(result.getExitCode()) : OptionalInt.empty(),
        result.getStdout().toByteArray(),
        result.getStderr().toByteArray(),
        result.getOutputTruncated(),
        result.getError(),
        result.getStdoutTotalBytes(),
        result.getStderrTotalBytes(),
        result.hasCpuTimeMillis()
            ? OptionalLong.of(result.getCpuTimeMillis())
            : OptionalLong.empty(),
        result.hasPeakRssBytes() ? OptionalLong.of(result.getPeakRssBytes()) : OptionalLong.empty(),
        result.getProcessesKilled(),
        result.hasStartedAt() ? OptionalLong.of(result.getWallTimeMillis()) : OptionalLong.empty());
  }

  public static io.distexec.proto.v1.JobStatus toProto(JobStatus status) {
    return io.distexec.proto.v1.JobStatus.valueOf("JOB_STATUS_" + status.name());
  }

  /** {@code null} for UNSPECIFIED (no filter). */
  public static JobStatus fromProto(io.distexec.proto.v1.JobStatus status) {
    if (status == io.distexec.proto.v1.JobStatus.JOB_STATUS_UNSPECIFIED
        || status == io.distexec.proto.v1.JobStatus.UNRECOGNIZED) {
      return null;
    }
    return JobStatus.valueOf(status.name().substring("JOB_STATUS_".length()));
  }

  /** The job with why it waits, if it does. */
  public static io.distexec.proto.v1.Job toProto(Job job, Optional<String> waiting) {
    io.distexec.proto.v1.Job proto = toProto(job);
    return waiting.isEmpty() ? proto : proto.toBuilder().setWaiting(waiting.get()).build();
  }

  public static io.distexec.proto.v1.Job toProto(Job job) {
    io.distexec.proto.v1.Job.Builder b =
        io.distexec.proto.v1.Job.newBuilder()
            .setId(job.id())
            .setStatus(toProto(job.status()))
            .setSpec(
                toProto(job.spec()).toBuilder()
                    .clearEnv()
                    .clearStdin()
                    // env values and stdin may be secrets: only names go back out.
                    .putAllEnv(
                        job.spec().env().keySet().stream()
                            .collect(Collectors.toMap(k -> k, k -> "")))
                    .build())
            .setAttempt(job.attempt())
            .setMaxAttempts(job.retry().maxAttempts())
            .setCreatedAt(timestamp(job.createdAt()))
            .setStdout(ByteString.copyFrom(job.outcome().stdout()))
            .setStderr(ByteString.copyFrom(job.outcome().stderr()))
            .setError(job.outcome().error())
            .setOutputTruncated(job.outcome().truncated())
            .setStdoutTotalBytes(job.outcome().stdoutBytes())
            .setStderrTotalBytes(job.outcome().stderrBytes())
            .setProcessesKilled(job.outcome().processesKilled());
    job.outcome().cpuTimeMillis().ifPresent(b::setCpuTimeMillis);
    job.outcome().peakRssBytes().ifPresent(b::setPeakRssBytes);
    job.outcome().wallTimeMillis().ifPresent(b::setWallTimeMillis);
    if (job.workerId() != null) {
      b.setWorkerId(job.workerId());
    }
    if (job.owner() != null) {
      b.setOwner(job.owner());
    }
    if (job.startedAt() != null) {
      b.setStartedAt(timestamp(job.startedAt()));
    }
    if (job.finishedAt() != null) {
      b.setFinishedAt(timestamp(job.finishedAt()));
    }
    job.exitCode().ifPresent(b::setExitCode);
    return b.build();
  }

  public static JobEvent toProto(JobEvents.Event event) {
    JobEvent.Builder b =
        JobEvent.newBuilder().setSequence(event.sequence()).setAt(timestamp(event.at()));
    if (event instanceof JobEvents.StateEvent s) {
      JobStateChange.Builder state =
          JobStateChange.newBuilder()
              .setStatus(toProto(s.status()))
              .setAttempt(s.attempt())
              .setError(s.error());
      if (s.workerId() != null) {
        state.setWorkerId(s.workerId());
      }
      s.exitCode().ifPresent(state::setExitCode);
      b.setState(state);
    } else if (event instanceof JobEvents.OutputEvent o) {
      b.setOutput(
          OutputChunk.newBuilder()
              .setStream(
                  o.stream() == StdStream.STDOUT
                      ? OutputStream.OUTPUT_STREAM_STDOUT
                      : OutputStream.OUTPUT_STREAM_STDERR)
              .setData(ByteString.copyFrom(o.data()))
              .setOffset(o.offset()));
    }
    return b.build();
  }

  public static Worker toProto(WorkerNode node, int inFlight) {
    return Worker.newBuilder()
        .setId(node.id())
        .setAddress(node.address())
        .setHttpUrl(node.httpUrl())
        .setDraining(node.takesNoWork())
        .setActiveTasks(inFlight)
        .setMaxConcurrentTasks(node.maxConcurrentTasks())
        .addAllExecutors(new TreeSet<>(node.executors()))
        .setRegisteredAt(timestamp(node.registeredAt()))
        .setLastHeartbeatAt(timestamp(node.lastHeartbeatAt()))
        .build();
  }

  public static Timestamp timestamp(Instant instant) {
    return ProtoTime.timestamp(instant);
  }

  public static Instant instant(Timestamp timestamp) {
    return ProtoTime.instant(timestamp);
  }

  /** A token as the API shows it: never its secret or hash. */
  public static io.distexec.proto.v1.ApiToken toProto(ApiToken token) {
    io.distexec.proto.v1.ApiToken.Builder b =
        io.distexec.proto.v1.ApiToken.newBuilder()
            .setName(token.name())
            .addAllRoles(token.roles().stream().map(Role::label).sorted().toList())
            .setCreatedAt(timestamp(token.createdAt()))
            .setCreatedBy(token.createdBy())
            .setSource(token.source());
    if (token.revokedAt() != null) {
      b.setRevokedAt(timestamp(token.revokedAt()));
    }
    if (token.expiresAt() != null) {
      b.setExpiresAt(timestamp(token.expiresAt()));
    }
    return b.build();
  }

  public static io.distexec.proto.v1.AuditEntry toProto(AuditEntry e) {
    return io.distexec.proto.v1.AuditEntry.newBuilder()
        .setSequence(e.seq())
        .setAt(timestamp(e.at()))
        .setActor(e.record().actor())
        .setAction(e.record().action())
        .setTarget(e.record().target())
        .setAddress(e.record().address())
        .setOutcome(e.record().outcome())
        .setPrevHash(e.prevHash())
        .setHash(e.hash())
        .build();
  }

  /** The autoscaler's state, as {@code GET /api/v1/scaler} shows it. */
  static io.distexec.proto.v1.Scaler toProto(ScalerView view) {
    io.distexec.proto.v1.Scaler.Builder b =
        io.distexec.proto.v1.Scaler.newBuilder()
            .setEnabled(view.enabled())
            .setLeading(view.leading())
            .setReplicas(view.replicas() == null ? -1 : view.replicas())
            .setStarting(view.starting() == null ? 0 : view.starting())
            .putAllDecisions(view.decisions());
    Optional.ofNullable(view.leader()).ifPresent(b::setLeader);
    Optional.ofNullable(view.pool()).ifPresent(b::setPool);
    Optional.ofNullable(view.problem()).ifPresent(b::setProblem);
    Optional.ofNullable(view.last()).map(ProtoMapper::toProto).ifPresent(b::setLast);
    view.recent().forEach(d -> b.addRecent(toProto(d)));
    ScalerView.Settings s = view.settings();
    b.setSettings(
        ScalerSettings.newBuilder()
            .setDeployment(s.deployment())
            .setIntervalSeconds(s.intervalSeconds())
            .setMinWorkers(s.minWorkers())
            .setMaxWorkers(s.maxWorkers())
            .setMaxStepOut(s.maxStepOut())
            .setMaxStepIn(s.maxStepIn())
            .setOutWindowSeconds(s.outWindowSeconds())
            .setInWindowSeconds(s.inWindowSeconds())
            .setIdleSeconds(s.idleSeconds())
            .setSlotsPerWorker(s.slotsPerWorker()));
    return b.build();
  }

  private static ScalerDecision toProto(ScalerView.DecisionView d) {
    ScalerDecision.Builder b = ScalerDecision.newBuilder().setKind(d.kind()).setReason(d.reason());
    if (d.at() != null) {
      b.setAt(ProtoTime.timestamp(d.at()));
    }
    return b.build();
  }
}
