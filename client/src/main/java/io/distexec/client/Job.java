package io.distexec.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.distexec.common.ProtoTime;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A job as the master knows it. Immutable. */
public final class Job {

  private final io.distexec.proto.v1.Job proto;

  Job(io.distexec.proto.v1.Job proto) {
    this.proto = proto;
  }

  public String id() {
    return proto.getId();
  }

  public JobStatus status() {
    return JobStatus.of(proto.getStatus());
  }

  public String command() {
    return proto.getSpec().getCommand();
  }

  public List<String> args() {
    return proto.getSpec().getArgsList();
  }

  /** Worker of the current or last attempt. */
  public Optional<String> worker() {
    return proto.getWorkerId().isEmpty() ? Optional.empty() : Optional.of(proto.getWorkerId());
  }

  public int attempt() {
    return proto.getAttempt();
  }

  /** How many times the job may run in all. */
  public int maxAttempts() {
    return Math.max(1, proto.getMaxAttempts());
  }

  public OptionalInt exitCode() {
    return proto.hasExitCode() ? OptionalInt.of(proto.getExitCode()) : OptionalInt.empty();
  }

  /** Standard output decoded as UTF-8 (up to the cap; see {@link #outputTruncated()}). */
  public String stdout() {
    return proto.getStdout().toString(StandardCharsets.UTF_8);
  }

  public String stderr() {
    return proto.getStderr().toString(StandardCharsets.UTF_8);
  }

  public boolean outputTruncated() {
    return proto.getOutputTruncated();
  }

  /**
   * Why a queued job waits, as the master saw it when it answered (e.g. {@code all 2 workers busy
   * (20 of 20 slots)}); empty when it does not wait.
   */
  public Optional<String> waiting() {
    return proto.getWaiting().isEmpty() ? Optional.empty() : Optional.of(proto.getWaiting());
  }

  /** Why the job did not succeed; empty when it did. */
  public String error() {
    return proto.getError();
  }

  public Instant createdAt() {
    return ProtoTime.instant(proto.getCreatedAt());
  }

  public Optional<Instant> startedAt() {
    return proto.hasStartedAt()
        ? Optional.of(ProtoTime.instant(proto.getStartedAt()))
        : Optional.empty();
  }

  public Optional<Instant> finishedAt() {
    return proto.hasFinishedAt()
        ? Optional.of(ProtoTime.instant(proto.getFinishedAt()))
        : Optional.empty();
  }

  /** The job as JSON (the protobuf JSON mapping: lowerCamelCase names, bytes in base64). */
  public String toJson() {
    try {
      return JsonFormat.printer().print(proto);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The wire form, for tools that need every field. */
  public io.distexec.proto.v1.Job toProto() {
    return proto;
  }

  @Override
  public String toString() {
    return "Job[" + id() + " " + status() + " " + command() + "]";
  }
}
