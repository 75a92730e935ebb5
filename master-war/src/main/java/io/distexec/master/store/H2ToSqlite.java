package io.distexec.master.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Carries a data folder an earlier release wrote with H2 into the SQLite store, once: every table's
 * rows as they are (a job's {@code seq} too, so cursors and the audit chain stay valid), times
 * converted to SQLite's microseconds, in one SQLite transaction. The H2 file is then renamed to
 * {@code distexec.mv.db.copied}, which marks the copy done; it is kept for the user to delete. A
 * master stopped during the copy copies again at its next start: the SQLite rows are committed all
 * at once or not at all, and the H2 file keeps its name until they are.
 */
final class H2ToSqlite {

  private static final Logger LOG = Logger.getLogger(H2ToSqlite.class.getName());

  /** The tables, parents before children (job_transitions refers to jobs). */
  static final List<String> TABLES =
      List.of(
          "jobs",
          "job_transitions",
          "api_tokens",
          "audit_log",
          "audit_head",
          "leader_lease",
          "leader_fence",
          "masters");

  private static final int BATCH = 1000;

  private H2ToSqlite() {}

  /** The H2 file an earlier release kept in this data folder. */
  static Path h2File(StoreSettings settings) {
    return settings.dataDir().toAbsolutePath().resolve("distexec.mv.db");
  }

  /** Whether the data folder holds an H2 store not yet copied. */
  static boolean needed(StoreSettings settings) {
    return Files.exists(h2File(settings));
  }

  /**
   * Copies every row of the H2 store into {@code sqlite} (its schema made, its tables empty) and
   * renames the H2 file.
   *
   * @return the jobs copied
   */
  static long copy(StoreSettings settings, DataSource sqlite) throws SQLException, IOException {
    long jobs = 0;
    if (copiedBefore(sqlite)) {
      // The copy committed and the master stopped before the rename: only the rename is left.
      rename(settings);
      return 0;
    }
    // The H2 store first comes up to the last H2 schema (a folder of any earlier release).
    org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL(settings.h2Url());
    SchemaMigrations.migrate(h2);
    try (Connection from = h2.getConnection();
        Connection to = sqlite.getConnection()) {
      from.setAutoCommit(false);
      to.setAutoCommit(false);
      try (Statement s = to.createStatement()) {
        // The schema script's own rows (the audit head, the lease, the fence) give way to H2's.
        s.execute("DELETE FROM audit_head");
        s.execute("DELETE FROM leader_lease");
        s.execute("DELETE FROM leader_fence");
      }
      for (String table : TABLES) {
        long rows = copyTable(from, to, table);
        if (table.equals("jobs")) {
          jobs = rows;
        }
      }
      to.commit();
    }
    Path h2File = rename(settings);
    long copied = jobs;
    LOG.info(
        () ->
            "store: copied "
                + copied
                + " job(s) from the H2 store of an earlier release into "
                + settings.embeddedFile()
                + "; the H2 file is kept as "
                + h2File.resolveSibling("distexec.mv.db.copied"));
    return jobs;
  }

  private static boolean copiedBefore(DataSource sqlite) throws SQLException {
    try (Connection c = sqlite.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT COUNT(*) FROM jobs) + (SELECT COUNT(*) FROM audit_log)"
                    + " + (SELECT COUNT(*) FROM api_tokens)")) {
      rs.next();
      boolean copied = rs.getLong(1) > 0;
      c.rollback();
      return copied;
    }
  }

  private static Path rename(StoreSettings settings) throws IOException {
    Path h2File = h2File(settings);
    Files.move(
        h2File, h2File.resolveSibling("distexec.mv.db.copied"), StandardCopyOption.ATOMIC_MOVE);
    return h2File;
  }

  private static long copyTable(Connection from, Connection to, String table) throws SQLException {
    long rows = 0;
    try (Statement select = from.createStatement()) {
      select.setFetchSize(BATCH);
      ResultSet rs = select.executeQuery("SELECT * FROM " + table);
      ResultSetMetaData meta = rs.getMetaData();
      int n = meta.getColumnCount();
      List<String> columns = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        columns.add(meta.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
      }
      String insert =
          "INSERT INTO "
              + table
              + " ("
              + String.join(", ", columns)
              + ") VALUES ("
              + String.join(", ", java.util.Collections.nCopies(n, "?"))
              + ")";
      try (PreparedStatement s = to.prepareStatement(insert)) {
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            int type = meta.getColumnType(i);
            if (type == Types.TIMESTAMP_WITH_TIMEZONE || type == Types.TIMESTAMP) {
              OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
              Dialect.SQLITE.setTime(s, i, t == null ? null : t.toInstant());
            } else {
              s.setObject(i, rs.getObject(i));
            }
          }
          s.addBatch();
          if (++rows % BATCH == 0) {
            s.executeBatch();
          }
        }
        s.executeBatch();
      }
    }
    return rows;
  }
}
