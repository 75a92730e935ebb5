package io.distexec.master.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Jobs waiting out a retry backoff, on the injected clock: the dispatch loop asks which are due and
 * how long it may sleep. No thread of its own, so a test moves time forward instead of waiting.
 */
final class RetryTimer {

  /** A job whose backoff ends {@code at}; it goes back to the lane of its {@code type}. */
  record Due(Instant at, String jobId, String type) {}

  private final Clock clock;
  private final PriorityQueue<Due> waiting =
      new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));

  RetryTimer(Clock clock) {
    this.clock = clock;
  }

  synchronized void schedule(String jobId, String type, Duration backoff) {
    waiting.add(new Due(clock.instant().plus(backoff), jobId, type));
  }

  /** The jobs whose backoff has passed, in order; they are removed. */
  synchronized List<Due> takeDue() {
    Instant now = clock.instant();
    List<Due> due = new ArrayList<>();
    while (!waiting.isEmpty() && !waiting.peek().at().isAfter(now)) {
      due.add(waiting.poll());
    }
    return due;
  }

  /** How long until the next job is due, at most {@code max}. */
  synchronized Duration untilNext(Duration max) {
    if (waiting.isEmpty()) {
      return max;
    }
    Duration left = Duration.between(clock.instant(), waiting.peek().at());
    return left.isNegative() ? Duration.ZERO : left.compareTo(max) < 0 ? left : max;
  }

  /** When the job's backoff ends, if it waits one. */
  synchronized Optional<Instant> dueAt(String jobId) {
    return waiting.stream().filter(d -> d.jobId().equals(jobId)).map(Due::at).findFirst();
  }

  /** Forgets every backoff (this master stopped leading). */
  synchronized void clear() {
    waiting.clear();
  }

  /** Jobs waiting out a backoff. */
  synchronized int size() {
    return waiting.size();
  }
}
