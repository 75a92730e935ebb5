package io.distexec.master.dispatch;

import io.distexec.master.dispatch.AttemptPolicy.Decision;
import io.distexec.master.jobs.FencedException;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.registry.NodeRegistry;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Handles what happens to attempts in flight: hands each event of an attempt to the {@link
 * AttemptPolicy} and its decision to {@link AttemptOutcomes}, sends output to the job's watchers,
 * and carries cancels to workers.
 */
final class AttemptHandler {

  private static final Logger LOG = Logger.getLogger(AttemptHandler.class.getName());

  private final JobStore store;
  private final NodeRegistry registry;
  private final WorkerPort port;
  private final JobEvents events;
  private final AttemptBook book;
  private final AttemptOutcomes outcomes;
  private final Runnable wake;

  AttemptHandler(
      JobStore store,
      NodeRegistry registry,
      WorkerPort port,
      JobEvents events,
      AttemptBook book,
      AttemptOutcomes outcomes,
      Runnable wake) {
    this.store = store;
    this.registry = registry;
    this.port = port;
    this.events = events;
    this.book = book;
    this.outcomes = outcomes;
    this.wake = wake;
  }

  /**
   * One event of an attempt: output goes to the job's watchers; anything else to the policy. A
   * failure to record it (the store refusing a write) is logged and the task goes on: thrown back
   * to the port, it would end the call, and a job whose task runs fine would be taken for lost.
   */
  void on(Attempt attempt, AttemptEvent event) {
    if (!book.live(attempt)) {
      return; // from before this master last stopped leading: the job is followed anew
    }
    try {
      if (event instanceof AttemptEvent.Output output) {
        events.output(attempt.jobId, output.stream(), output.data(), output.offset());
        return;
      }
      if (AttemptPolicy.benchesWorker(event)) {
        registry.markUnreachable(attempt.workerId, ((AttemptEvent.Failed) event).detail());
      }
      Decision decision =
          AttemptPolicy.decide(event, attempt.facts(), () -> store.find(attempt.jobId));
      if (event instanceof AttemptEvent.Started) {
        attempt.started = true;
      } else if (event instanceof AttemptEvent.Finished) {
        attempt.finished = true;
      }
      outcomes.carryOut(attempt, decision);
      if (event instanceof AttemptEvent.Started && attempt.cancelReason != null) {
        sendCancel(attempt); // asked before the worker had the task: ask again now it runs
      }
    } catch (FencedException e) {
      LOG.warning(() -> "not recording an event of job " + attempt.jobId + ": " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "could not record "
              + event.getClass().getSimpleName()
              + " of job "
              + attempt.jobId
              + " from worker "
              + attempt.workerId
              + "; the task goes on",
          e);
    } finally {
      if (event.endsCall()) {
        book.close(attempt);
        wake.run();
      }
    }
  }

  /** Asks the worker running a job to cancel it (later, if its attempt is not recorded yet). */
  void cancel(String jobId, String reason) {
    Attempt attempt = book.find(jobId);
    if (attempt == null) {
      // Dispatched this instant, its attempt not yet recorded: send() picks the request up.
      book.cancelLater(jobId, reason);
      return;
    }
    attempt.cancelReason = reason;
    sendCancel(attempt);
  }

  private void sendCancel(Attempt attempt) {
    registry
        .find(attempt.workerId)
        .ifPresentOrElse(
            worker -> port.cancel(worker, attempt.taskId(), attempt.cancelReason),
            () ->
                LOG.warning(
                    () ->
                        "cannot cancel job "
                            + attempt.jobId
                            + ": worker "
                            + attempt.workerId
                            + " is gone"));
  }
}
