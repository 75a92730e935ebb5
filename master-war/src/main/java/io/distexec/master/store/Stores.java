package io.distexec.master.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.distexec.master.access.InMemoryAuditLog;
import io.distexec.master.access.InMemoryTokenStore;
import io.distexec.master.jobs.InMemoryJobStore;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.leadership.InMemoryLeaseStore;
import io.distexec.master.leadership.WorkerBoard;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/** Opens the job store the settings name: connects, migrates the schema, and hands it out. */
public final class Stores {

  private static final Logger LOG = Logger.getLogger(Stores.class.getName());

  private Stores() {}

  /**
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static JobStore open(StoreSettings settings, Clock clock) {
    return openAll(settings, clock, "master").store();
  }

  /**
   * The jobs, API tokens and audit trail, in one database.
   *
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static OpenedStore openAll(StoreSettings settings, Clock clock, String masterName) {
    if (settings.inMemory()) {
      LOG.warning(
          "STORE_URL=memory: jobs, API tokens and the audit trail are kept in memory and lost"
              + " when the master stops");
      return new OpenedStore(
          new InMemoryJobStore(clock),
          new InMemoryTokenStore(),
          new InMemoryAuditLog(),
          new InMemoryLeaseStore(clock),
          WorkerBoard.NONE,
          false,
          Optional.empty());
    }
    String url = settings.jdbcUrl();
    boolean embedded = url.startsWith("jdbc:h2:file:");
    if (embedded) {
      try {
        Files.createDirectories(settings.dataDir());
        ownerOnly(settings.dataDir());
      } catch (IOException e) {
        throw new StoreException(
            new SQLException("cannot create DATA_DIR " + settings.dataDir() + ": " + e, e));
      }
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("distexec-store");
    config.setJdbcUrl(url);
    if (settings.user() != null && !settings.user().isBlank()) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null && !settings.password().isBlank()) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(settings.poolSize());
    if (settings.shared()) {
      // A master paused (SIGSTOP, a long GC, a frozen VM) in the middle of a transaction holds its
      // locks, among them the fence every takeover must update: PostgreSQL ends a session idle in a
      // transaction this long, so another master can take over. Set when the session starts (a
      // statement run on a new connection would itself open a transaction, left idle in the pool).
      config.addDataSourceProperty("options", "-c idle_in_transaction_session_timeout=5s");
    }
    config.setAutoCommit(false);
    // A master that cannot reach its database at start fails fast with the reason instead of
    // hanging.
    config.setInitializationFailTimeout(30_000);
    config.setConnectionTimeout(10_000);
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(
          new SQLException("cannot connect to " + redact(url) + ": " + rootMessage(e), e));
    }
    try {
      int applied = SchemaMigrations.migrate(dataSource);
      LOG.info(() -> "job store: " + redact(url) + " (" + applied + " migration(s) applied now)");
    } catch (SQLException e) {
      dataSource.close();
      throw new StoreException(e);
    }
    // H2 embedded is one master's alone (its file is locked); PostgreSQL may have several.
    boolean shared = settings.shared();
    return new OpenedStore(
        new JdbcJobStore(
            dataSource, clock, dataSource, new JdbcJobStore.Sharing(shared, masterName), null),
        new JdbcTokenStore(dataSource),
        new JdbcAuditLog(dataSource),
        new JdbcLeaseStore(dataSource, shared),
        shared ? new JdbcWorkerBoard(dataSource) : WorkerBoard.NONE,
        shared,
        embedded ? Optional.of(new EmbeddedCompaction(dataSource)) : Optional.empty());
  }

  /**
   * The embedded store's folder is the master's user's alone: tasks of a root worker on the same
   * machine run as another user and must not read the jobs (their env values, while they run).
   */
  static void ownerOnly(java.nio.file.Path dir) throws IOException {
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** The URL without a password given in it ({@code password=...}), for logs. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***")
        .replaceAll("//([^/@:]+):[^/@]*@", "//$1:***@");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
