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
    Dialect dialect = Dialect.of(url);
    boolean h2File = url.startsWith("jdbc:h2:file:");
    boolean embedded = h2File || dialect == Dialect.SQLITE;
    if (embedded) {
      try {
        Files.createDirectories(settings.dataDir());
        ownerOnly(settings.dataDir());
      } catch (IOException e) {
        throw new StoreException(
            new SQLException("cannot create DATA_DIR " + settings.dataDir() + ": " + e, e));
      }
    }
    DataDirLock lock = dialect == Dialect.SQLITE ? DataDirLock.take(settings.dataDir()) : null;
    try {
      return open(settings, clock, masterName, url, dialect, h2File, lock);
    } catch (RuntimeException e) {
      if (lock != null) {
        try {
          lock.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
  }

  private static OpenedStore open(
      StoreSettings settings,
      Clock clock,
      String masterName,
      String url,
      Dialect dialect,
      boolean h2File,
      DataDirLock lock) {
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
    if (dialect == Dialect.SQLITE) {
      // Read by sqlite-jdbc as the connection opens. WAL: readers see a snapshot beside the one
      // writer. synchronous=NORMAL: a commit is in the WAL file before it returns (it survives
      // kill -9 of the master; the OS writes it out later, so not a power cut, as with H2 before).
      // busy_timeout: only the checkpoint can make a writer wait, as writes take turns in Java.
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "NORMAL");
      config.addDataSourceProperty("busy_timeout", "10000");
      config.addDataSourceProperty("foreign_keys", "true");
      config.addDataSourceProperty("journal_size_limit", Long.toString(64L << 20));
    }
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
      int applied = SchemaMigrations.migrate(dataSource, dialect);
      if (dialect == Dialect.SQLITE && settings.url().isEmpty() && H2ToSqlite.needed(settings)) {
        H2ToSqlite.copy(settings, dataSource);
      }
      LOG.info(() -> "job store: " + redact(url) + " (" + applied + " migration(s) applied now)");
    } catch (SQLException e) {
      dataSource.close();
      throw new StoreException(e);
    } catch (IOException e) {
      dataSource.close();
      throw new StoreException(
          new SQLException("cannot rename the copied H2 store in " + settings.dataDir(), e));
    }
    // H2 embedded is one master's alone (its file is locked); PostgreSQL may have several.
    boolean shared = settings.shared();
    Database db = new Database(dataSource, dialect);
    AutoCloseable release =
        lock == null
            ? dataSource
            : () -> {
              try (lock) {
                dataSource.close();
              }
            };
    return new OpenedStore(
        new JdbcJobStore(db, clock, release, new JdbcJobStore.Sharing(shared, masterName), null),
        new JdbcTokenStore(db),
        new JdbcAuditLog(db),
        new JdbcLeaseStore(db, shared),
        shared ? new JdbcWorkerBoard(db) : WorkerBoard.NONE,
        shared,
        h2File ? Optional.of(new EmbeddedCompaction(dataSource)) : Optional.empty());
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
