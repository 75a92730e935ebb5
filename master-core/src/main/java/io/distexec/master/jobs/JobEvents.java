package io.distexec.master.jobs;

import io.distexec.executor.StdStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Each job's events (state changes and output chunks) with sequence numbers, and their fan-out to
 * watchers (server-sent events, gRPC WatchJob). Output is stored up to a cap per stream; beyond it,
 * chunks still reach live watchers but are not stored, and their sequence numbers are skipped, so a
 * watcher that resumes sees the gap. A watcher subscribes "after sequence N": it gets the stored
 * events after N and then live ones, without loss or repetition, because both happen under the
 * job's lock. A job that has no log in memory (the master restarted since it ran) gets one built
 * from the store: its stored history, and for a finished job its stored output.
 */
public final class JobEvents {

  private static final Logger LOG = Logger.getLogger(JobEvents.class.getName());

  /** Something that happened to a job. */
  public sealed interface Event permits StateEvent, OutputEvent {
    long sequence();

    Instant at();
  }

  /** The job moved to a new state. */
  public record StateEvent(
      long sequence,
      Instant at,
      JobStatus status,
      String workerId,
      int attempt,
      String error,
      OptionalInt exitCode)
      implements Event {}

  /** A piece of output; {@code offset} counts the stream's earlier bytes. */
  public record OutputEvent(long sequence, Instant at, StdStream stream, byte[] data, long offset)
      implements Event {}

  /** Receives a job's events in order; must not block (send asynchronously). */
  public interface Watcher {
    void event(Event event);

    /** The job ended: no more events. */
    void end();
  }

  /** What a job has printed so far, as stored. */
  public record Output(
      byte[] stdout, byte[] stderr, long stdoutBytes, long stderrBytes, boolean truncated) {}

  private static final class Log {
    long nextSequence = 1;
    final List<Event> stored = new ArrayList<>();
    final long[] storedBytes = new long[2];
    final long[] totalBytes = new long[2];
    final List<Watcher> watchers = new ArrayList<>();
    StateEvent lastState;
    boolean ended;
  }

  /** Clients following one job at once; more are refused (429 / RESOURCE_EXHAUSTED). */
  public static final int MAX_WATCHERS_PER_JOB = 32;

  /** Clients following any job at once. */
  public static final int MAX_WATCHERS = 256;

  /** Output bytes kept in memory for ended jobs (for watchers that resume right after). */
  static final long MAX_ENDED_BYTES = 64L * 1024 * 1024;

  /** A job or the master has as many watchers as it takes. */
  public static final class TooManyWatchersException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TooManyWatchersException(String message) {
      super(message);
    }
  }

  private final Map<String, Log> logs = new ConcurrentHashMap<>();
  private final AtomicInteger watching = new AtomicInteger();
  private final AtomicLong endedBytes = new AtomicLong();
  private final int capBytes;
  private final Clock clock;
  private final JobStore records;

  /**
   * @param capBytes output stored per job and stream
   */
  public JobEvents(int capBytes, Clock clock) {
    this(capBytes, clock, null);
  }

  /**
   * @param capBytes output stored per job and stream
   * @param records where the logs of jobs from before a restart are rebuilt from, or {@code null}
   */
  public JobEvents(int capBytes, Clock clock, JobStore records) {
    this.capBytes = capBytes;
    this.clock = clock;
    this.records = records;
  }

  private Log log(String jobId) {
    boolean[] rebuiltEnded = new boolean[1];
    Log log =
        logs.computeIfAbsent(
            jobId,
            id -> {
              Log rebuilt = rebuild(id).orElseGet(Log::new);
              rebuiltEnded[0] = rebuilt.ended;
              return rebuilt;
            });
    if (rebuiltEnded[0]) {
      retire(jobId, log); // a log rebuilt for a watcher of an ended job goes like any ended log
    }
    return log;
  }

  /** A log from the store's record of the job; empty when the store does not know it (yet). */
  private Optional<Log> rebuild(String jobId) {
    Optional<Job> job = records == null ? Optional.empty() : records.find(jobId);
    if (job.isEmpty()) {
      return Optional.empty();
    }
    Log log = new Log();
    for (Transition t : records.history(jobId)) {
      log.lastState =
          new StateEvent(
              log.nextSequence++,
              t.at(),
              t.status(),
              t.workerId(),
              t.attempt(),
              t.error(),
              t.exitCode());
      log.stored.add(log.lastState);
    }
    if (job.get().status().isTerminal()) {
      JobOutcome o = job.get().outcome();
      if (o.stdout().length > 0) {
        log.stored.add(
            new OutputEvent(
                log.nextSequence++, job.get().finishedAt(), StdStream.STDOUT, o.stdout(), 0));
      }
      if (o.stderr().length > 0) {
        log.stored.add(
            new OutputEvent(
                log.nextSequence++, job.get().finishedAt(), StdStream.STDERR, o.stderr(), 0));
      }
      log.ended = true;
    }
    return Optional.of(log);
  }

  /**
   * Records that {@code job} is now in its current state. With a store to rebuild from, a log is
   * kept in memory only while it may be wanted live (someone watches, or a running job prints): a
   * million queued jobs cost no memory here, and a job's log is dropped {@link #RETAIN_ENDED} after
   * it ends (a later watcher gets it rebuilt from the store).
   */
  public void state(Job job) {
    stateTap.accept(job);
    if (records == null) {
      append(logs.computeIfAbsent(job.id(), id -> new Log()), job);
      return;
    }
    // computeIfPresent waits for a rebuild of this job's log that is under way, then appends.
    logs.computeIfPresent(
        job.id(),
        (id, log) -> {
          append(log, job);
          return log;
        });
    if (job.status().isTerminal()) {
      Log log = logs.get(job.id());
      if (log != null) {
        retire(job.id(), log);
      }
    }
  }

  private void append(Log log, Job job) {
    synchronized (log) {
      if (log.ended) {
        return;
      }
      StateEvent last = log.lastState;
      if (last != null && last.status() == job.status() && last.attempt() == job.attempt()) {
        return; // a log rebuilt from the store holds this change already
      }
      StateEvent event =
          new StateEvent(
              log.nextSequence++,
              clock.instant(),
              job.status(),
              job.workerId(),
              job.attempt(),
              job.outcome().error(),
              job.exitCode());
      log.stored.add(event);
      log.lastState = event;
      publish(log, event);
      if (job.status().isTerminal()) {
        log.ended = true;
        log.watchers.forEach(JobEvents::end);
        watching.addAndGet(-log.watchers.size());
        log.watchers.clear();
      }
    }
  }

  /** How long the log of an ended job stays in memory (for watchers that resume right after). */
  static final Duration RETAIN_ENDED = Duration.ofMinutes(1);

  private record Retired(String jobId, Instant at, long bytes) {}

  private final Queue<Retired> retired = new ConcurrentLinkedQueue<>();

  /**
   * An ended job's log stays for {@link #RETAIN_ENDED}, while the ended logs together hold at most
   * {@link #MAX_ENDED_BYTES}; the oldest go first. A later watcher gets it rebuilt from the store.
   */
  private void retire(String jobId, Log log) {
    long bytes;
    synchronized (log) {
      bytes = log.storedBytes[0] + log.storedBytes[1];
    }
    Instant now = clock.instant();
    retired.add(new Retired(jobId, now, bytes));
    endedBytes.addAndGet(bytes);
    Instant cutoff = now.minus(RETAIN_ENDED);
    for (Retired head = retired.peek();
        head != null && (head.at().isBefore(cutoff) || endedBytes.get() > MAX_ENDED_BYTES);
        head = retired.peek()) {
      if (!retired.remove(head)) {
        continue; // another thread took it
      }
      endedBytes.addAndGet(-head.bytes());
      logs.computeIfPresent(
          head.jobId(),
          (id, ended) -> {
            synchronized (ended) {
              return ended.ended && ended.watchers.isEmpty() ? null : ended;
            }
          });
    }
  }

  /** Sees every piece of output as it is recorded (the leader relays it to standbys). */
  public interface OutputTap {
    void output(String jobId, StdStream stream, byte[] data, long offset);
  }

  private volatile OutputTap tap = (jobId, stream, data, offset) -> {};

  private volatile Consumer<Job> stateTap = job -> {};

  /** Sees every state change recorded here (the console's activity); must not block. */
  public void tapStates(Consumer<Job> tap) {
    this.stateTap = tap;
  }

  public void tap(OutputTap tap) {
    this.tap = tap;
  }

  /**
   * Output that another master recorded (the leader, relayed to this standby), for the watchers
   * here: bytes this log has already are skipped by their offset, so a chunk heard twice, or heard
   * and also filled in at the end, is delivered once.
   */
  public void relayed(String jobId, StdStream stream, byte[] data, long offset) {
    Log log = logs.get(jobId);
    if (log == null) {
      return; // nobody watches it here
    }
    int s = stream.ordinal();
    synchronized (log) {
      long have = log.totalBytes[s];
      if (log.ended || offset + data.length <= have) {
        return;
      }
      byte[] fresh =
          offset >= have ? data : Arrays.copyOfRange(data, (int) (have - offset), data.length);
      long at = Math.max(offset, have);
      log.totalBytes[s] = at; // a gap (chunks lost on the way) stays a gap, at the right offset
      append(log, jobId, stream, fresh, at);
    }
  }

  /**
   * A job that another master ended: its stored output beyond what was relayed is delivered first
   * (when it was kept whole), then its end.
   */
  public void endedElsewhere(Job job) {
    Log log = logs.get(job.id());
    if (log != null && job.status().isTerminal() && !job.outcome().truncated()) {
      relayed(job.id(), StdStream.STDOUT, job.outcome().stdout(), 0);
      relayed(job.id(), StdStream.STDERR, job.outcome().stderr(), 0);
    }
    state(job);
  }

  /** The jobs followed by watchers here that have not ended. */
  public List<String> watchedLive() {
    List<String> ids = new ArrayList<>();
    logs.forEach(
        (id, log) -> {
          synchronized (log) {
            if (!log.ended && !log.watchers.isEmpty()) {
              ids.add(id);
            }
          }
        });
    return ids;
  }

  /** Records output of a running job. */
  public void output(String jobId, StdStream stream, byte[] data, long offset) {
    Log log = log(jobId);
    synchronized (log) {
      if (log.ended) {
        return;
      }
      append(log, jobId, stream, data, offset);
    }
    tap.output(jobId, stream, data, offset);
  }

  private void append(Log log, String jobId, StdStream stream, byte[] data, long offset) {
    int s = stream.ordinal();
    Event event = new OutputEvent(log.nextSequence++, clock.instant(), stream, data, offset);
    log.totalBytes[s] += data.length;
    if (log.storedBytes[s] + data.length <= capBytes) {
      log.storedBytes[s] += data.length;
      log.stored.add(event);
    }
    publish(log, event);
  }

  /**
   * Subscribes to a job's events after {@code afterSequence}; a job that has ended gets its stored
   * events and then {@link Watcher#end()} at once.
   *
   * @return a handle that unsubscribes
   */
  public Runnable watch(String jobId, long afterSequence, Watcher watcher) {
    Log log = log(jobId);
    synchronized (log) {
      for (Event event : log.stored) {
        if (event.sequence() > afterSequence) {
          deliver(watcher, event);
        }
      }
      if (log.ended) {
        end(watcher);
        return () -> {};
      }
      if (log.watchers.size() >= MAX_WATCHERS_PER_JOB) {
        throw new TooManyWatchersException(
            "job " + jobId + " has " + MAX_WATCHERS_PER_JOB + " watchers already; try again later");
      }
      if (watching.incrementAndGet() > MAX_WATCHERS) {
        watching.decrementAndGet();
        throw new TooManyWatchersException(
            "the master has " + MAX_WATCHERS + " watchers already; try again later");
      }
      log.watchers.add(watcher);
    }
    return () -> {
      synchronized (log) {
        if (log.watchers.remove(watcher)) {
          watching.decrementAndGet();
        }
      }
    };
  }

  /** Whether the job's log is in memory (someone watches, or it ran here lately). */
  public boolean watched(String jobId) {
    return logs.containsKey(jobId);
  }

  /** Drops a job's events (retention). */
  public void forget(String jobId) {
    logs.remove(jobId);
  }

  /** The output stored so far, or empty when the job printed nothing. */
  public Optional<Output> output(String jobId) {
    Log log = logs.get(jobId);
    if (log == null) {
      return Optional.empty();
    }
    synchronized (log) {
      if (log.totalBytes[0] + log.totalBytes[1] == 0) {
        return Optional.empty();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      for (Event event : log.stored) {
        if (event instanceof OutputEvent o) {
          (o.stream() == StdStream.STDOUT ? out : err).writeBytes(o.data());
        }
      }
      boolean truncated =
          log.totalBytes[0] > log.storedBytes[0] || log.totalBytes[1] > log.storedBytes[1];
      return Optional.of(
          new Output(
              out.toByteArray(),
              err.toByteArray(),
              log.totalBytes[0],
              log.totalBytes[1],
              truncated));
    }
  }

  private static void publish(Log log, Event event) {
    for (Watcher watcher : List.copyOf(log.watchers)) {
      deliver(watcher, event);
    }
  }

  private static void deliver(Watcher watcher, Event event) {
    try {
      watcher.event(event);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "a watcher failed; it will be dropped when it unsubscribes", e);
    }
  }

  private static void end(Watcher watcher) {
    try {
      watcher.end();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "a watcher failed to end", e);
    }
  }
}
