package io.distexec.master.jobs;

import java.util.Objects;

/**
 * An {@code Idempotency-Key} and the fingerprint of the request that came with it: the same key
 * with the same fingerprint is a repeat, with another fingerprint a conflict.
 */
public record IdempotencyKey(String key, String fingerprint) {

  public IdempotencyKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }
}
