package io.distexec.master.activity;

import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the cluster did over the last hour, for the console's overview: per minute, the jobs that
 * ended, the failed ones among them and their submit→result latency (p50, p95); the latest
 * failures; and a count of job changes, so that a page knows when its listing is stale. Kept in
 * memory by the master that sees the jobs end (the leader), bounded: 60 minutes of {@value
 * #BUCKETS} counters and {@value #MAX_FAILURES} failures.
 */
public final class Activity {

  /** A minute of the last hour; the latencies are {@code null} when no job ended in it. */
  public record Point(Instant minute, int ended, int failed, Long p50Millis, Long p95Millis) {}

  /** A job that ended in anything but success. */
  public record Failure(
      String jobId, String status, String command, String owner, String error, Instant at) {}

  static final int MINUTES = 60;
  static final int MAX_FAILURES = 20;

  /**
   * Latency buckets: bucket {@code i} holds latencies up to {@code 2^(i/4)} ms, a step of 19 %,
   * from 1 ms to 2^(BUCKETS/4) ms (about 12 days); a percentile is its bucket's bound.
   */
  static final int BUCKETS = 120;

  private static final class Minute {
    final Instant start;
    final int[] latencies = new int[BUCKETS];
    int ended;
    int failed;

    Minute(Instant start) {
      this.start = start;
    }
  }

  private final Clock clock;
  private final Deque<Minute> minutes = new ArrayDeque<>();
  private final Deque<Failure> failures = new ArrayDeque<>();
  private final AtomicLong changes = new AtomicLong();

  public Activity(Clock clock) {
    this.clock = clock;
  }

  /** A job changed state; one that ended is counted in the minute it ended. */
  public void changed(Job job) {
    changes.incrementAndGet();
    if (!job.status().isTerminal()) {
      return;
    }
    Instant now = clock.instant();
    Instant end = job.finishedAt() != null ? job.finishedAt() : now;
    long latency = Math.max(0, Duration.between(job.createdAt(), end).toMillis());
    boolean failed = job.status() != JobStatus.SUCCEEDED;
    synchronized (this) {
      Minute minute = current(now);
      minute.ended++;
      minute.latencies[bucket(latency)]++;
      if (failed) {
        minute.failed++;
        failures.addFirst(
            new Failure(
                job.id(),
                job.status().name(),
                commandLine(job),
                job.owner(),
                job.outcome().error(),
                end));
        while (failures.size() > MAX_FAILURES) {
          failures.removeLast();
        }
      }
    }
  }

  /** Job changes seen since the master started: a listing made before a change is stale. */
  public long changes() {
    return changes.get();
  }

  /** The last 60 minutes, oldest first, this minute last; minutes without jobs count zero. */
  public synchronized List<Point> lastHour() {
    Instant now = clock.instant();
    current(now);
    Instant first = minuteOf(now).minus(MINUTES - 1, ChronoUnit.MINUTES);
    List<Point> points = new ArrayList<>(MINUTES);
    var kept = minutes.iterator();
    Minute next = kept.hasNext() ? kept.next() : null;
    for (int i = 0; i < MINUTES; i++) {
      Instant at = first.plus(i, ChronoUnit.MINUTES);
      while (next != null && next.start.isBefore(at)) {
        next = kept.hasNext() ? kept.next() : null;
      }
      if (next != null && next.start.equals(at)) {
        points.add(
            new Point(at, next.ended, next.failed, percentile(next, 0.50), percentile(next, 0.95)));
      } else {
        points.add(new Point(at, 0, 0, null, null));
      }
    }
    return points;
  }

  /** The latest failures, newest first. */
  public synchronized List<Failure> recentFailures() {
    return List.copyOf(failures);
  }

  private Minute current(Instant now) {
    Instant start = minuteOf(now);
    Minute last = minutes.peekLast();
    if (last == null || last.start.isBefore(start)) {
      last = new Minute(start);
      minutes.addLast(last);
    }
    Instant oldest = start.minus(MINUTES - 1, ChronoUnit.MINUTES);
    while (minutes.peekFirst().start.isBefore(oldest)) {
      minutes.removeFirst();
    }
    return last;
  }

  /** The command and its arguments as the console shows them, cut to 200 characters. */
  private static String commandLine(Job job) {
    String line = job.spec().commandLine(201);
    return line.length() > 200 ? line.substring(0, 199) + "…" : line;
  }

  private static Instant minuteOf(Instant at) {
    return at.truncatedTo(ChronoUnit.MINUTES);
  }

  /** The bucket of a latency: the first whose bound {@code 2^(i/4)} ms holds it. */
  static int bucket(long millis) {
    if (millis <= 1) {
      return 0;
    }
    int i = (int) Math.ceil(4 * Math.log(millis) / Math.log(2));
    return Math.min(i, BUCKETS - 1);
  }

  /** The bound of a bucket, in whole milliseconds. */
  static long bound(int bucket) {
    return Math.round(Math.pow(2, bucket / 4.0));
  }

  private static Long percentile(Minute minute, double q) {
    if (minute.ended == 0) {
      return null;
    }
    long rank = (long) Math.ceil(q * minute.ended);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += minute.latencies[i];
      if (seen >= rank) {
        return bound(i);
      }
    }
    return bound(BUCKETS - 1);
  }
}
