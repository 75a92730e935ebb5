package io.distexec.master.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where API tokens made through the API are kept (with the jobs, in the job store's database). */
public interface TokenStore {

  /** Stores a new token. */
  void insert(ApiToken token);

  Optional<ApiToken> findByHash(String hash);

  /** Every token, revoked ones too, oldest first. */
  List<ApiToken> list();

  /**
   * Revokes the good tokens of that name.
   *
   * @return how many were revoked
   */
  int revoke(String name, Instant at);
}
