package io.distexec.master.scheduling;

import java.util.Map;
import java.util.Optional;

/**
 * The scheduler's answer for one job: the chosen worker, if any, and why each other worker was
 * passed over (e.g. "draining", "full (10/10)", "no executor 'script'").
 */
public record Placement(Optional<String> workerId, Map<String, String> passedOver) {

  public Placement {
    passedOver = Map.copyOf(passedOver);
  }

  public boolean placed() {
    return workerId.isPresent();
  }

  /** One line for logs and errors. */
  public String explain() {
    if (placed()) {
      return "placed on " + workerId.get();
    }
    return passedOver.isEmpty()
        ? "no worker is registered"
        : "no worker can take it: " + passedOver;
  }
}
