package io.distexec.master.access;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An API token as the master keeps it: never the secret, only its SHA-256.
 *
 * @param name who the token stands for (the caller's name, the owner of its jobs)
 * @param hash SHA-256 of the secret, 64 hex digits
 * @param roles what it may do
 * @param createdAt when it was made
 * @param createdBy who made it
 * @param revokedAt when it was revoked, or {@code null} while it is good
 * @param source where it is defined: {@link #FROM_API} (revocable through the API), or a file
 * @param expiresAt from when it is refused, or {@code null} for a token that does not expire
 */
public record ApiToken(
    String name,
    String hash,
    Set<Role> roles,
    Instant createdAt,
    String createdBy,
    Instant revokedAt,
    String source,
    Instant expiresAt) {

  public static final String FROM_API = "api";

  public ApiToken {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(hash, "hash");
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(source, "source");
  }

  public boolean revoked() {
    return revokedAt != null;
  }

  public boolean expired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** Neither revoked nor expired: requests with it are let in. */
  public boolean good(Instant now) {
    return !revoked() && !expired(now);
  }

  public ApiToken revokedAt(Instant at) {
    return new ApiToken(name, hash, roles, createdAt, createdBy, at, source, expiresAt);
  }

  public Caller caller() {
    return new Caller(name, roles, "token");
  }
}
