package io.distexec.client;

/** Where a job is in its life: QUEUED → DISPATCHED → RUNNING → one of the terminal states. */
public enum JobStatus {
  QUEUED,
  DISPATCHED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  CANCELLED,
  LOST;

  public boolean isTerminal() {
    return ordinal() >= SUCCEEDED.ordinal();
  }

  static JobStatus of(io.distexec.proto.v1.JobStatus status) {
    return valueOf(status.name().substring("JOB_STATUS_".length()));
  }

  io.distexec.proto.v1.JobStatus toProto() {
    return io.distexec.proto.v1.JobStatus.valueOf("JOB_STATUS_" + name());
  }
}
