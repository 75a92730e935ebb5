package io.distexec.master.scaling;

import java.time.Duration;

/**
 * How the scaler may change the worker pool (the SCALER_* settings).
 *
 * @param minWorkers the fewest workers it keeps (0: none while nothing is queued)
 * @param maxWorkers the most it asks for
 * @param maxStepOut the most workers one scale-out adds
 * @param maxStepIn the most workers one scale-in removes
 * @param outWindow how long queued work must exceed the free and coming slots before it adds
 *     workers: a burst shorter than this is run by the workers there are
 * @param inWindow how long after any change it waits before removing workers: a queue that empties
 *     and fills again keeps its workers
 * @param idleBeforeRemoval how long a worker must have run nothing before it may be removed
 * @param slotsPerWorker the slots a new worker brings, until one has registered and said
 */
public record ScalerSettings(
    int minWorkers,
    int maxWorkers,
    int maxStepOut,
    int maxStepIn,
    Duration outWindow,
    Duration inWindow,
    Duration idleBeforeRemoval,
    int slotsPerWorker) {

  public static final ScalerSettings DEFAULTS =
      new ScalerSettings(
          0, 10, 5, 2, Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofMinutes(5), 10);

  public ScalerSettings {
    if (minWorkers < 0 || maxWorkers < 1 || minWorkers > maxWorkers) {
      throw new IllegalArgumentException(
          "SCALER_MIN_WORKERS ("
              + minWorkers
              + ") must be from 0 to SCALER_MAX_WORKERS ("
              + maxWorkers
              + "), which must be at least 1");
    }
    if (maxStepOut < 1 || maxStepIn < 1) {
      throw new IllegalArgumentException("SCALER_MAX_STEP_OUT and SCALER_MAX_STEP_IN must be >= 1");
    }
    if (outWindow.isNegative() || inWindow.isNegative() || idleBeforeRemoval.isNegative()) {
      throw new IllegalArgumentException("the scaler's windows must not be negative");
    }
    if (slotsPerWorker < 1) {
      throw new IllegalArgumentException("slots per worker must be at least 1");
    }
  }
}
