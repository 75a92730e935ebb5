package io.distexec.master.dispatch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The attempts in flight: which attempt of which job runs where, how many tasks each worker has,
 * and cancels asked for before their attempt was recorded. Thread-safe; no I/O.
 */
final class AttemptBook {

  private final Map<String, Attempt> byJob = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> byWorker = new ConcurrentHashMap<>();
  private final Map<String, String> pendingCancels = new ConcurrentHashMap<>();
  private volatile long generation;

  /**
   * Records an attempt that is about to be sent (or followed again); takes up a slot of its worker.
   */
  void open(Attempt attempt) {
    attempt.generation = generation;
    byJob.put(attempt.jobId, attempt);
    byWorker.computeIfAbsent(attempt.workerId, k -> new AtomicInteger()).incrementAndGet();
    // A cancel that raced with this dispatch is sent once the worker confirms the start.
    attempt.cancelReason = pendingCancels.remove(attempt.jobId);
  }

  /**
   * Whether the attempt was opened since the book was last cleared: events of attempts from an
   * earlier leadership of this master mean nothing now (whoever leads follows those jobs anew).
   */
  boolean live(Attempt attempt) {
    return attempt.generation == generation;
  }

  /** Forgets every attempt (this master stopped leading) and returns them. */
  synchronized List<Attempt> clear() {
    generation++;
    List<Attempt> all = List.copyOf(byJob.values());
    byJob.clear();
    byWorker.clear();
    pendingCancels.clear();
    return all;
  }

  /** The attempt's call ended: its slot is free again. */
  void close(Attempt attempt) {
    byJob.remove(attempt.jobId, attempt);
    AtomicInteger count = byWorker.get(attempt.workerId);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  /** The current attempt of a job, or {@code null}. */
  Attempt find(String jobId) {
    return byJob.get(jobId);
  }

  /** Remembers a cancel for a job whose attempt is not recorded yet. */
  void cancelLater(String jobId, String reason) {
    pendingCancels.put(jobId, reason);
  }

  /** The attempts that run on a worker. */
  List<Attempt> on(String workerId) {
    return byJob.values().stream().filter(a -> a.workerId.equals(workerId)).toList();
  }

  /** The worker is gone: it holds no slots any more. */
  void forgetWorker(String workerId) {
    byWorker.remove(workerId);
  }

  /** Tasks in flight per worker id. */
  Map<String, Integer> inFlight() {
    Map<String, Integer> counts = new HashMap<>();
    byWorker.forEach((id, n) -> counts.put(id, n.get()));
    return counts;
  }

  /**
   * Whether a report of {@code attempt} may change {@code jobAttempt} on {@code jobWorker}: only
   * the job's current attempt may, so a late report from an older one cannot overwrite a newer
   * outcome.
   */
  static boolean isCurrent(Attempt attempt, int jobAttempt, String jobWorker) {
    return jobAttempt == attempt.number && attempt.workerId.equals(jobWorker);
  }
}
