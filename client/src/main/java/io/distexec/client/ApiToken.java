package io.distexec.client;

import io.distexec.common.ProtoTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An API token as the master shows it: never its secret.
 *
 * @param source "api", or the file on the master that defines it
 * @param expiresAt from when the master refuses it; empty for a token that does not expire
 */
public record ApiToken(
    String name,
    List<String> roles,
    Instant createdAt,
    String createdBy,
    Optional<Instant> revokedAt,
    String source,
    Optional<Instant> expiresAt) {

  static ApiToken of(io.distexec.proto.v1.ApiToken t) {
    return new ApiToken(
        t.getName(),
        List.copyOf(t.getRolesList()),
        ProtoTime.instant(t.getCreatedAt()),
        t.getCreatedBy(),
        t.hasRevokedAt() ? Optional.of(ProtoTime.instant(t.getRevokedAt())) : Optional.empty(),
        t.getSource(),
        t.hasExpiresAt() ? Optional.of(ProtoTime.instant(t.getExpiresAt())) : Optional.empty());
  }

  /** A new token and its secret, which the master shows this once. */
  public record Created(ApiToken token, String secret) {}
}
