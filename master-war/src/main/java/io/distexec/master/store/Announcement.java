package io.distexec.master.store;

import io.distexec.executor.StdStream;
import java.util.Base64;
import java.util.Optional;

/**
 * What one master tells the others sharing its PostgreSQL store, as a NOTIFY payload: {@code KIND
 * ORIGIN WORDS...}, one letter for the kind, the sending master's name (a master skips its own),
 * then the kind's words. This type alone writes and reads that format.
 */
public sealed interface Announcement {

  /** The master that sent it. */
  String origin();

  /** The NOTIFY payload. */
  String payload();

  /** A job was stored (the leader queues it). */
  record Queued(String origin, String jobId, String type) implements Announcement {
    @Override
    public String payload() {
      return "q " + origin + " " + jobId + " " + type;
    }
  }

  /** A job's state changed (standbys update its watchers; the leader, its attempts). */
  record Changed(String origin, String jobId) implements Announcement {
    @Override
    public String payload() {
      return "s " + origin + " " + jobId;
    }
  }

  /** A standby asks the leader to cancel a running job on its worker. */
  record Cancel(String origin, String jobId, String reason) implements Announcement {
    @Override
    public String payload() {
      return "c " + origin + " " + jobId + " " + reason.replace('\n', ' ');
    }
  }

  /** A standby asks the leader to drain a worker. */
  record Drain(String origin, String workerId) implements Announcement {
    @Override
    public String payload() {
      return "d " + origin + " " + workerId;
    }
  }

  /** A standby's clients watch a running job: the leader relays its output for a while. */
  record Watching(String origin, String jobId) implements Announcement {
    @Override
    public String payload() {
      return "w " + origin + " " + jobId;
    }
  }

  /** A piece of a running job's output, relayed by the leader, at its offset in the stream. */
  record Output(String origin, String jobId, StdStream stream, long offset, byte[] data)
      implements Announcement {
    @Override
    public String payload() {
      return "o "
          + origin
          + " "
          + jobId
          + " "
          + stream.ordinal()
          + " "
          + offset
          + " "
          + Base64.getEncoder().encodeToString(data);
    }
  }

  /** The announcement a payload holds; empty for one this master does not understand. */
  static Optional<Announcement> parse(String payload) {
    String[] w = payload.split(" ", 3);
    if (w.length < 3) {
      return Optional.empty();
    }
    String origin = w[1];
    String rest = w[2];
    try {
      return Optional.of(
          switch (w[0]) {
            case "q" -> {
              String[] words = rest.split(" ");
              yield new Queued(origin, words[0], words.length > 1 ? words[1] : "");
            }
            case "s" -> new Changed(origin, rest);
            case "c" -> {
              String[] words = rest.split(" ", 2);
              yield new Cancel(origin, words[0], words.length > 1 ? words[1] : "cancelled by user");
            }
            case "d" -> new Drain(origin, rest);
            case "w" -> new Watching(origin, rest);
            case "o" -> {
              String[] words = rest.split(" ");
              yield new Output(
                  origin,
                  words[0],
                  StdStream.values()[Integer.parseInt(words[1])],
                  Long.parseLong(words[2]),
                  Base64.getDecoder().decode(words[3]));
            }
            default -> throw new IllegalArgumentException("unknown kind " + w[0]);
          });
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
