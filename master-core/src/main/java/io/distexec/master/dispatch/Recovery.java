package io.distexec.master.dispatch;

import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.scheduling.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Takes over the unfinished jobs of a previous master (after a restart or a crash): queued ones are
 * queued again; those that were on a worker wait for that worker to register again, which says
 * whether it still runs or ran them. A worker that does not come back within the grace period is
 * dead, and its attempts are lost (retried where the job allows). Time comes from the clock.
 */
final class Recovery {

  private static final Logger LOG = Logger.getLogger(Recovery.class.getName());

  private final JobStore store;
  private final JobQueue queue;
  private final AttemptOutcomes outcomes;
  private final Clock clock;

  /** Attempts found on workers at start, by worker id, until the worker registers again. */
  private final Map<String, Map<String, Attempt>> orphans = new ConcurrentHashMap<>();

  private volatile Instant deadline = Instant.MAX;
  private volatile Duration grace = Duration.ZERO;

  Recovery(JobStore store, JobQueue queue, AttemptOutcomes outcomes, Clock clock) {
    this.store = store;
    this.queue = queue;
    this.outcomes = outcomes;
    this.clock = clock;
  }

  /** Reads the unfinished jobs; call before workers can register. */
  Dispatcher.Recovered recover(Duration grace) {
    int[] counts = new int[2];
    store.forEachUnfinished(
        job -> {
          if (!queue.admitRecovered(job.id())) {
            return; // known here already (submitted here and announced meanwhile)
          }
          if (job.status() == JobStatus.QUEUED) {
            queue.add(job.id(), JobQueue.UNKNOWN_TYPE); // its type is read when it comes up
            counts[0]++;
          } else {
            orphans
                .computeIfAbsent(job.workerId(), w -> new ConcurrentHashMap<>())
                .put(job.id(), new Attempt(job.id(), job.workerId(), job.attempt()));
            counts[1]++;
          }
        });
    if (counts[1] > 0) {
      this.grace = grace;
      deadline = clock.instant().plus(grace);
    }
    return new Dispatcher.Recovered(counts[0], counts[1]);
  }

  /**
   * A worker registered, naming the tasks it runs or ran recently: its attempts from before the
   * restart that it knows are returned to be followed again; the others are lost.
   */
  List<Attempt> reconcile(String workerId, Collection<String> taskIds) {
    Map<String, Attempt> adopted = orphans.remove(workerId);
    if (adopted == null) {
      return List.of();
    }
    Set<String> known = Set.copyOf(taskIds);
    List<Attempt> follow = new ArrayList<>();
    for (Attempt attempt : adopted.values()) {
      if (known.contains(attempt.taskId())) {
        follow.add(attempt);
      } else {
        lost(
            attempt,
            "worker "
                + workerId
                + " no longer knows the task (it restarted while the master was away)");
      }
    }
    LOG.info(
        () ->
            "worker "
                + workerId
                + " is back: following "
                + follow.size()
                + " of its "
                + adopted.size()
                + " job(s) from before the master restarted");
    return follow;
  }

  /** Forgets the attempts it waited for (this master stopped leading). */
  void clear() {
    orphans.clear();
    deadline = Instant.MAX;
  }

  /** Gives up on the workers that did not come back in time; the loop calls it on every turn. */
  void expire() {
    if (orphans.isEmpty() || clock.instant().isBefore(deadline)) {
      return;
    }
    for (String workerId : List.copyOf(orphans.keySet())) {
      Map<String, Attempt> adopted = orphans.remove(workerId);
      if (adopted != null) {
        String reason =
            "worker "
                + workerId
                + " did not register again within "
                + grace.toSeconds()
                + " s of the master's restart";
        LOG.warning(() -> reason + "; its " + adopted.size() + " job(s) are lost or retried");
        adopted.values().forEach(attempt -> lost(attempt, reason));
      }
    }
  }

  /** An attempt from before the restart that its worker cannot finish. */
  void lost(Attempt attempt, String reason) {
    outcomes.carryOut(
        attempt, AttemptPolicy.afterRestart(attempt.facts(), store.find(attempt.jobId), reason));
  }
}
