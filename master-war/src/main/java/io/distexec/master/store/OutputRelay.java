package io.distexec.master.store;

import io.distexec.executor.StdStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Live output for the watchers of a standby. Output reaches only the leader (workers stream to it),
 * so a standby whose clients watch a running job says so ({@code w} on {@link
 * JdbcJobStore#CHANNEL}, repeated while they watch), and the leader sends that job's output on
 * {@link #CHANNEL} as it arrives ({@code o ORIGIN JOB STREAM OFFSET BASE64}), starting with what it
 * holds. Offsets let the standby skip what it has. The outbox is bounded: past it chunks are
 * dropped (a gap the end of the job fills from the store), never buffered without end.
 */
public final class OutputRelay implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(OutputRelay.class.getName());

  public static final String CHANNEL = "distexec_output";

  /** Raw bytes per notification: base64 of it fits PostgreSQL's 8,000-byte payload. */
  static final int MAX_CHUNK = 5000;

  /** How long a standby's word holds; it repeats it every {@link #REPEAT}. */
  static final Duration INTEREST = Duration.ofSeconds(10);

  public static final Duration REPEAT = Duration.ofSeconds(1);

  private static final int OUTBOX = 4096;

  private record Note(String channel, String payload) {}

  private final StoreSettings settings;
  private final String origin;
  private final Clock clock;
  private final BlockingQueue<Note> outbox = new ArrayBlockingQueue<>(OUTBOX);
  private final Map<String, Instant> interest = new ConcurrentHashMap<>();
  private volatile boolean running = true;

  public OutputRelay(StoreSettings settings, String origin, Clock clock) {
    this.settings = settings;
    this.origin = origin;
    this.clock = clock;
  }

  /** Standby: its clients watch this job. */
  public void want(String jobId) {
    offer(new Note(JdbcJobStore.CHANNEL, new Announcement.Watching(origin, jobId).payload()));
  }

  /**
   * Leader: a standby watches this job (for {@link #INTEREST} from now).
   *
   * @return true when no standby did before: send it what is held so far
   */
  public boolean wanted(String jobId) {
    return interest.put(jobId, clock.instant().plus(INTEREST)) == null;
  }

  /** Leader: a piece of a job's output, sent on when a standby watches the job. */
  public void output(String jobId, StdStream stream, byte[] data, long offset) {
    Instant until = interest.get(jobId);
    if (until == null) {
      return;
    }
    if (clock.instant().isAfter(until)) {
      interest.remove(jobId, until);
      return;
    }
    for (int from = 0; from < data.length; from += MAX_CHUNK) {
      int to = Math.min(data.length, from + MAX_CHUNK);
      byte[] part = java.util.Arrays.copyOfRange(data, from, to);
      offer(
          new Note(
              CHANNEL,
              new Announcement.Output(origin, jobId, stream, offset + from, part).payload()));
    }
  }

  private void offer(Note note) {
    if (!outbox.offer(note)) {
      LOG.fine(() -> "output relay full: dropped a notification");
    }
  }

  /** Sends what is queued until {@link #close()}; run it on a thread of its own. */
  public void send() {
    while (running) {
      try (Connection c = JobAnnouncements.connect(settings);
          PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
        while (running) {
          Note note = outbox.poll(500, TimeUnit.MILLISECONDS);
          if (note == null) {
            continue;
          }
          s.setString(1, note.channel());
          s.setString(2, note.payload());
          s.executeQuery().close();
        }
      } catch (SQLException e) {
        LOG.log(Level.WARNING, "output relay: " + e.getMessage() + "; connecting again", e);
        sleep();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
  }
}
