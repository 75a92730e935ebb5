package io.distexec.worker.registration;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: 250 ms, 500 ms, 1 s, ... up to a cap, each ±20 %. */
final class Backoff {

  private final Duration initial;
  private final Duration max;
  private int attempts;

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  Duration next() {
    long base = initial.toMillis() << Math.min(attempts++, 20);
    long capped = Math.min(base, max.toMillis());
    double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
    return Duration.ofMillis((long) (capped * jitter));
  }

  void reset() {
    attempts = 0;
  }

  int attempts() {
    return attempts;
  }
}
