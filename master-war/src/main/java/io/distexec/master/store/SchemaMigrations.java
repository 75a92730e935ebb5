package io.distexec.master.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings the schema up to date at start: versioned SQL scripts ({@code
 * db/migration/V<n>__<name>.sql}) and, where data must be converted, Java steps, each applied once,
 * in order, in its own transaction, and recorded in {@code distexec_schema}. Masters that start
 * together are safe on PostgreSQL: each claims a version by inserting its row first, and the loser
 * of that race waits for the winner's commit and then skips the script. Plain JDBC rather than
 * Flyway: a few steps do not need a library and its database modules.
 */
public final class SchemaMigrations {

  private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

  /**
   * A step written in Java, for conversions SQL cannot do; it runs in the migration's transaction.
   */
  interface JavaMigration {
    void migrate(Connection connection) throws SQLException;
  }

  /** One step: a script under {@code db/migration}, or Java. */
  record Migration(int version, String name, JavaMigration java) {
    static Migration sql(String script) {
      return new Migration(
          Integer.parseInt(script.substring(1, script.indexOf("__"))), script, null);
    }
  }

  /**
   * Every migration, oldest first; a new one is added at the end and never edited once released.
   */
  static final List<Migration> MIGRATIONS =
      List.of(
          Migration.sql("V1__jobs.sql"),
          Migration.sql("V2__spec_json_column.sql"),
          new Migration(3, "V3__spec_to_json (Java)", new SpecToJsonMigration()),
          Migration.sql("V4__drop_protobuf_spec.sql"),
          Migration.sql("V5__callers_tokens_audit.sql"),
          Migration.sql("V6__token_expiry.sql"),
          Migration.sql("V7__leadership.sql"),
          Migration.sql("V8__command_line.sql"),
          new Migration(9, "V9__fill_command_line (Java)", new CommandLineMigration()));

  /**
   * SQLite's steps (the embedded store): a new store starts at version 9 with the whole schema in
   * one script; later versions add a script here as they add one above.
   */
  static final List<Migration> SQLITE_MIGRATIONS = List.of(Migration.sql("V9__schema.sql"));

  private static final String UNIQUE_VIOLATION = "23505";

  private SchemaMigrations() {}

  /** Applies the scripts this database lacks; returns how many. */
  public static int migrate(DataSource dataSource) throws SQLException {
    return migrate(dataSource, Dialect.POSTGRESQL, Integer.MAX_VALUE);
  }

  /** Applies the scripts this database, of this dialect, lacks; returns how many. */
  static int migrate(DataSource dataSource, Dialect dialect) throws SQLException {
    return migrate(dataSource, dialect, Integer.MAX_VALUE);
  }

  /**
   * Applies the steps up to {@code lastVersion} that this database lacks (tests: an older schema).
   */
  static int migrate(DataSource dataSource, int lastVersion) throws SQLException {
    return migrate(dataSource, Dialect.POSTGRESQL, lastVersion);
  }

  private static int migrate(DataSource dataSource, Dialect dialect, int lastVersion)
      throws SQLException {
    createVersionTable(dataSource, dialect);
    int applied = 0;
    for (Migration migration : dialect == Dialect.SQLITE ? SQLITE_MIGRATIONS : MIGRATIONS) {
      if (migration.version() <= lastVersion && apply(dataSource, dialect, migration)) {
        applied++;
      }
    }
    return applied;
  }

  private static void createVersionTable(DataSource dataSource, Dialect dialect)
      throws SQLException {
    String ddl =
        "CREATE TABLE IF NOT EXISTS distexec_schema (version INT PRIMARY KEY, script VARCHAR(200) NOT NULL,"
            + " applied_at "
            + (dialect == Dialect.SQLITE ? "INTEGER" : "TIMESTAMP(6) WITH TIME ZONE")
            + " NOT NULL)";
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(ddl);
      commit(c);
    } catch (SQLException e) {
      // Two PostgreSQL sessions (two masters starting) creating the same table at once: one of
      // them fails, on the catalog's unique index or as a duplicate table; the table exists.
      if (!UNIQUE_VIOLATION.equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private static boolean apply(DataSource dataSource, Dialect dialect, Migration migration)
      throws SQLException {
    int version = migration.version();
    String script = migration.name();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement known =
          c.prepareStatement("SELECT 1 FROM distexec_schema WHERE version = ?")) {
        known.setInt(1, version);
        if (known.executeQuery().next()) {
          c.rollback();
          return false;
        }
      }
      try (PreparedStatement claim =
          c.prepareStatement(
              "INSERT INTO distexec_schema (version, script, applied_at) VALUES (?, ?, ?)")) {
        claim.setInt(1, version);
        claim.setString(2, script);
        dialect.setTime(claim, 3, java.time.Instant.now());
        claim.executeUpdate();
        if (migration.java() != null) {
          migration.java().migrate(c);
        } else {
          try (Statement s = c.createStatement()) {
            for (String sql : statements(read(dialect, script))) {
              s.execute(sql);
            }
          }
        }
        c.commit();
        LOG.info(() -> "store schema: applied " + script);
        return true;
      } catch (SQLException e) {
        c.rollback();
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          return false; // another master applied it meanwhile
        }
        throw new SQLException(
            "schema migration " + script + " failed: " + e.getMessage(), e.getSQLState(), e);
      }
    }
  }

  private static void commit(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static String read(Dialect dialect, String script) {
    try (InputStream in =
        SchemaMigrations.class.getResourceAsStream("/" + dialect.migrations() + script)) {
      if (in == null) {
        throw new IllegalStateException("migration " + script + " is missing from the application");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + script, e);
    }
  }

  /** The script's statements: comment lines dropped, split at semicolons that end a line. */
  static List<String> statements(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        statements.add(current.substring(0, current.lastIndexOf(";")).strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      statements.add(current.toString().strip());
    }
    return statements;
  }
}
