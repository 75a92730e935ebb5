package io.distexec.master.store;

import io.distexec.master.access.ApiToken;
import io.distexec.master.access.Role;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** API tokens in the job store's database (table {@code api_tokens}, V5; expiry V6). */
public final class JdbcTokenStore implements io.distexec.master.access.TokenStore {

  private static final String COLUMNS =
      "name, token_hash, roles, created_at, created_by, revoked_at, expires_at";

  private final Database db;

  JdbcTokenStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(ApiToken token) {
    db.write(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO api_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, token.name());
            s.setString(2, token.hash());
            s.setString(
                3,
                token.roles().stream().map(Role::label).sorted().collect(Collectors.joining(",")));
            db.dialect().setTime(s, 4, token.createdAt());
            s.setString(5, token.createdBy());
            db.dialect().setTime(s, 6, token.revokedAt());
            db.dialect().setTime(s, 7, token.expiresAt());
            return s.executeUpdate();
          }
        });
  }

  @Override
  public Optional<ApiToken> findByHash(String hash) {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = ?")) {
            s.setString(1, hash);
            ResultSet rs = s.executeQuery();
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
          }
        });
  }

  @Override
  public List<ApiToken> list() {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at, name")) {
            ResultSet rs = s.executeQuery();
            List<ApiToken> tokens = new ArrayList<>();
            while (rs.next()) {
              tokens.add(read(rs));
            }
            return tokens;
          }
        });
  }

  @Override
  public int revoke(String name, Instant at) {
    return db.write(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")) {
            db.dialect().setTime(s, 1, at);
            s.setString(2, name);
            return s.executeUpdate();
          }
        });
  }

  private Instant instant(ResultSet rs, String column) throws SQLException {
    return db.dialect().time(rs, column);
  }

  private ApiToken read(ResultSet rs) throws SQLException {
    return new ApiToken(
        rs.getString("name"),
        rs.getString("token_hash"),
        Role.parseAll(rs.getString("roles")),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        instant(rs, "revoked_at"),
        ApiToken.FROM_API,
        instant(rs, "expires_at"));
  }
}
