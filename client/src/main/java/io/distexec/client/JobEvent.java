package io.distexec.client;

import io.distexec.common.ProtoTime;
import io.distexec.proto.v1.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/** Something that happened to a job: a state change or a chunk of output. */
public sealed interface JobEvent permits JobEvent.StateChanged, JobEvent.Output {

  /** Grows by one per event of a job; resume a watch after the last one seen. */
  long sequence();

  Instant at();

  /** The job moved to {@code status}. */
  record StateChanged(
      long sequence,
      Instant at,
      JobStatus status,
      Optional<String> worker,
      String error,
      OptionalInt exitCode)
      implements JobEvent {}

  /** A chunk of output, {@code stderr} or stdout. */
  record Output(long sequence, Instant at, boolean stderr, byte[] data) implements JobEvent {
    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  static JobEvent of(io.distexec.proto.v1.JobEvent e) {
    Instant at = ProtoTime.instant(e.getAt());
    if (e.hasOutput()) {
      return new Output(
          e.getSequence(),
          at,
          e.getOutput().getStream() == OutputStream.OUTPUT_STREAM_STDERR,
          e.getOutput().getData().toByteArray());
    }
    var s = e.getState();
    return new StateChanged(
        e.getSequence(),
        at,
        JobStatus.of(s.getStatus()),
        s.getWorkerId().isEmpty() ? Optional.empty() : Optional.of(s.getWorkerId()),
        s.getError(),
        s.hasExitCode() ? OptionalInt.of(s.getExitCode()) : OptionalInt.empty());
  }
}
