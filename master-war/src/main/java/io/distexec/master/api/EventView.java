package io.distexec.master.api;

import io.distexec.executor.StdStream;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The data of one server-sent event: a state change or a chunk of output. */
public final class EventView {

  private EventView() {}

  /** A job moved to {@code status}. */
  public record State(
      long sequence,
      Instant at,
      String status,
      String worker,
      int attempt,
      String error,
      Integer exitCode) {}

  /**
   * A chunk of output; {@code offset} counts the stream's earlier bytes. Data is decoded as UTF-8.
   */
  public record Output(long sequence, Instant at, String stream, String data, long offset) {}

  static String name(JobEvents.Event event) {
    return event instanceof JobEvents.StateEvent ? "state" : "output";
  }

  static Object of(JobEvents.Event event) {
    if (event instanceof JobEvents.StateEvent s) {
      return new State(
          s.sequence(),
          s.at(),
          s.status().name(),
          s.workerId(),
          s.attempt(),
          s.error().isEmpty() ? null : s.error(),
          s.exitCode().isPresent() ? s.exitCode().getAsInt() : null);
    }
    JobEvents.OutputEvent o = (JobEvents.OutputEvent) event;
    return new Output(
        o.sequence(),
        o.at(),
        o.stream().name().toLowerCase(Locale.ROOT),
        new String(o.data(), StandardCharsets.UTF_8),
        o.offset());
  }

  /** A stored history as state events, numbered from 1. */
  static List<State> history(List<Transition> history) {
    List<State> states = new ArrayList<>(history.size());
    for (Transition t : history) {
      states.add(
          new State(
              states.size() + 1,
              t.at(),
              t.status().name(),
              t.workerId(),
              t.attempt(),
              t.error().isEmpty() ? null : t.error(),
              t.exitCode().isPresent() ? t.exitCode().getAsInt() : null));
    }
    return states;
  }

  static StdStream stream(String name) {
    return StdStream.valueOf(name.toUpperCase(Locale.ROOT));
  }
}
