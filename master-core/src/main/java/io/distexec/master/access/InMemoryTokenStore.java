package io.distexec.master.access;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Tokens in memory, for STORE_URL=memory and tests. */
public final class InMemoryTokenStore implements TokenStore {

  private final List<ApiToken> tokens = new ArrayList<>();

  @Override
  public synchronized void insert(ApiToken token) {
    tokens.add(token);
  }

  @Override
  public synchronized Optional<ApiToken> findByHash(String hash) {
    return tokens.stream().filter(t -> t.hash().equals(hash)).findFirst();
  }

  @Override
  public synchronized List<ApiToken> list() {
    return List.copyOf(tokens);
  }

  @Override
  public synchronized int revoke(String name, Instant at) {
    int revoked = 0;
    for (int i = 0; i < tokens.size(); i++) {
      ApiToken t = tokens.get(i);
      if (t.name().equals(name) && !t.revoked()) {
        tokens.set(i, t.revokedAt(at));
        revoked++;
      }
    }
    return revoked;
  }
}
