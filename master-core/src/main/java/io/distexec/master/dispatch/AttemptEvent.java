package io.distexec.master.dispatch;

import io.distexec.executor.StdStream;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobStatus;
import java.time.Instant;

/**
 * What a worker port saw happen to one attempt, in words the core understands. The port (the only
 * part that knows the wire) translates each callback into one of these and decides nothing; the
 * {@link AttemptPolicy} decides what each means for the job.
 */
public sealed interface AttemptEvent {

  /** Whether the call is over after this event: its slot is free again. */
  default boolean endsCall() {
    return this instanceof Failed || this instanceof Closed;
  }

  /** The worker started the task. */
  record Started(Instant at) implements AttemptEvent {}

  /** A piece of the task's output; {@code offset} counts the stream's earlier bytes. */
  record Output(StdStream stream, byte[] data, long offset) implements AttemptEvent {}

  /** The worker reported the task's result. */
  record Finished(JobStatus status, JobOutcome outcome) implements AttemptEvent {}

  /**
   * The call failed.
   *
   * @param code the transport's name for the failure, e.g. {@code UNAVAILABLE}
   * @param description what the other side or the transport said, or empty
   */
  record Failed(Failure kind, String code, String description) implements AttemptEvent {
    public Failed {
      description = description == null ? "" : description;
    }

    /** For messages: {@code UNAVAILABLE (connection refused)}. */
    public String detail() {
      return description.isEmpty() ? code : code + " (" + description + ")";
    }
  }

  /** The worker closed the call cleanly (after its result, or, wrongly, without one). */
  record Closed() implements AttemptEvent {}

  /** Why a call failed, as far as the dispatcher cares. */
  enum Failure {
    /** The worker turned the task away before starting it (busy, draining, unreachable). */
    REFUSED,
    /** The worker says the request itself is wrong: it will never run anywhere as it is. */
    INVALID,
    /** The connection broke or the call was cancelled; the task's fate is unknown. */
    BROKEN
  }
}
