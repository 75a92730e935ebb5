package io.distexec.master.store;

import io.distexec.master.access.ApiToken;
import io.distexec.master.access.Role;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** API tokens in the job store's database (table {@code api_tokens}, V5; expiry V6). */
public final class JdbcTokenStore implements io.distexec.master.access.TokenStore {

  private static final String COLUMNS =
      "name, token_hash, roles, created_at, created_by, revoked_at, expires_at";

  private final DataSource dataSource;

  public JdbcTokenStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void insert(ApiToken token) {
    Transactions.run(
        dataSource,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO api_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, token.name());
            s.setString(2, token.hash());
            s.setString(
                3,
                token.roles().stream().map(Role::label).sorted().collect(Collectors.joining(",")));
            s.setObject(4, token.createdAt().atOffset(ZoneOffset.UTC));
            s.setString(5, token.createdBy());
            s.setObject(6, utc(token.revokedAt()));
            s.setObject(7, utc(token.expiresAt()));
            return s.executeUpdate();
          }
        });
  }

  @Override
  public Optional<ApiToken> findByHash(String hash) {
    return Transactions.run(
        dataSource,
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
    return Transactions.run(
        dataSource,
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
    return Transactions.run(
        dataSource,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")) {
            s.setObject(1, at.atOffset(ZoneOffset.UTC));
            s.setString(2, name);
            return s.executeUpdate();
          }
        });
  }

  private static OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }

  private static ApiToken read(ResultSet rs) throws SQLException {
    return new ApiToken(
        rs.getString("name"),
        rs.getString("token_hash"),
        Role.parseAll(rs.getString("roles")),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getString("created_by"),
        instant(rs, "revoked_at"),
        ApiToken.FROM_API,
        instant(rs, "expires_at"));
  }
}
