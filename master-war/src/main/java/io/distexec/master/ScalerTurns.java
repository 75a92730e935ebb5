package io.distexec.master;

import io.distexec.master.config.ScalerConfig;
import io.distexec.master.leadership.Election;
import io.distexec.master.scaling.Scaler;
import io.distexec.master.scheduling.JobQueue;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes the autoscaler's turns, every SCALER_INTERVAL_SECONDS, on the leading master only: several
 * masters never fight over the replicas, and the one that dispatches knows the queue and the tasks.
 */
@ApplicationScoped
public class ScalerTurns {

  private static final Logger LOG = Logger.getLogger(ScalerTurns.class.getName());

  @Resource ManagedScheduledExecutorService scheduler;

  private final Optional<Scaler> scaler;
  private final ScalerConfig config;
  private final Election election;
  private final JobQueue queue;
  private volatile ScheduledFuture<?> turns;

  @Inject
  ScalerTurns(Optional<Scaler> scaler, ScalerConfig config, Election election, JobQueue queue) {
    this.scaler = scaler;
    this.config = config;
    this.election = election;
    this.queue = queue;
  }

  /** For CDI's proxy only. */
  protected ScalerTurns() {
    this(Optional.empty(), null, null, null);
  }

  void onStart(@Observes Startup startup) {
    scaler.ifPresent(
        s -> {
          long every = config.interval().toMillis();
          turns =
              scheduler.scheduleWithFixedDelay(() -> turn(s), every, every, TimeUnit.MILLISECONDS);
        });
  }

  private void turn(Scaler s) {
    if (!election.leading()) {
      return;
    }
    try {
      s.turn(queue.waiting());
    } catch (RuntimeException e) {
      // Never let the periodic task die: a scaler that stopped silently is the failure to avoid.
      LOG.log(Level.SEVERE, "autoscaler turn failed; trying again at the next", e);
    }
  }

  @PreDestroy
  void stop() {
    if (turns != null) {
      turns.cancel(false);
    }
  }
}
