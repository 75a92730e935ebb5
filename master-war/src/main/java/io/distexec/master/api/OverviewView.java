package io.distexec.master.api;

import io.distexec.master.access.Action;
import io.distexec.master.access.Caller;
import io.distexec.master.activity.Activity;
import java.time.Instant;
import java.util.List;

/**
 * The console's overview: the queue, the workers, the last hour's jobs and failures.
 *
 * @param master the master that answers, and whether it leads (the activity is the leader's)
 * @param queued jobs waiting for a worker
 * @param running jobs sent to a worker that have not ended
 * @param capacity MAX_CONCURRENT_JOBS: queued and running together stay below it
 * @param workers the registered workers, or {@code null} for a caller that may not read them
 * @param lastHour per minute, oldest first
 * @param recentFailures newest first, those the caller may see
 * @param changes job changes seen by this master: a listing made at a lower count is stale
 */
public record OverviewView(
    Instant at,
    String master,
    boolean leading,
    int queued,
    int running,
    int capacity,
    List<WorkerView> workers,
    List<Activity.Point> lastHour,
    List<Activity.Failure> recentFailures,
    long changes) {

  /** This overview as a caller may see it: their own failures only, workers if they may. */
  public OverviewView seenBy(Caller caller) {
    return new OverviewView(
        at,
        master,
        leading,
        queued,
        running,
        capacity,
        caller.may(Action.READ_WORKERS) ? workers : null,
        lastHour,
        recentFailures.stream()
            .filter(f -> caller.seesAllJobs() || caller.name().equals(f.owner()))
            .toList(),
        changes);
  }
}
