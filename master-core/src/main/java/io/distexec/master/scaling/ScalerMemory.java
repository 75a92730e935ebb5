package io.distexec.master.scaling;

import java.time.Instant;
import java.util.List;

/**
 * What the scaler remembers from one turn to the next.
 *
 * @param shortSince since when queued work has exceeded the free and coming slots; {@code null}
 *     while it does not
 * @param lastChange when the replicas last changed (either way)
 * @param draining the workers of the scale-in under way, drained and waited for
 */
public record ScalerMemory(Instant shortSince, Instant lastChange, List<String> draining) {

  /** A scaler that has just started: no change yet, nothing under way. */
  public static final ScalerMemory START = new ScalerMemory(null, Instant.MIN, List.of());

  public ScalerMemory {
    draining = List.copyOf(draining);
  }
}
