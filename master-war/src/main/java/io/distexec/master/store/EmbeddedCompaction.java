package io.distexec.master.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Keeps the embedded H2 file near the size of its live data while the master runs.
 *
 * <p>H2's store never overwrites a page: every commit writes the pages it changed as a new chunk (a
 * whole leaf of rows for one new row), and the space of an old chunk is reused only once none of
 * its pages is live. H2 moves the last live pages out of old chunks in its background writer, which
 * runs only with a write delay: with {@code WRITE_DELAY=0} (a commit is in the file before it
 * returns, which the master needs) it never runs, and the file grew by 25-90 KB per job, up to 24
 * GB for a million queued jobs. This pass does that writer's compaction on the master's scheduler:
 * it rewrites the live pages of chunks less than {@link #TARGET_FILL_PERCENT} full, at most {@link
 * #WRITE_LIMIT_BYTES} a pass, so that their space is reused instead of the file growing.
 *
 * <p>It reaches H2's store through H2's own classes ({@link SessionLocal}), which are public but
 * not H2's documented API: {@code EmbeddedCompactionTest} fails if an H2 upgrade changes them.
 */
public final class EmbeddedCompaction {

  /** How often the master runs a pass. */
  public static final Duration INTERVAL = Duration.ofMillis(250);

  /** Chunks with less live data than this are rewritten (H2's own background default is 90). */
  static final int TARGET_FILL_PERCENT = 80;

  /**
   * At most this much is rewritten a pass: a pass ends by writing what it moved under H2's store
   * lock, and commits wait for it (4 MB a second in one pass put the latency part's p99 up by 15-30
   * ms; the same in four passes did not).
   */
  static final int WRITE_LIMIT_BYTES = 1 << 20;

  private final DataSource dataSource;

  EmbeddedCompaction(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One pass.
   *
   * @return whether anything was rewritten
   * @throws StoreException when the store cannot be reached
   */
  public boolean run() {
    try (Connection c = dataSource.getConnection()) {
      // Looked up each pass, not kept: the store object is the open database's, and a database
      // closed and opened again (all connections gone) has a new one.
      return store(c).compact(TARGET_FILL_PERCENT, WRITE_LIMIT_BYTES);
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** The size of the database file, in bytes. */
  public long fileSize() {
    try (Connection c = dataSource.getConnection()) {
      return store(c).getFileStore().size();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  private static MVStore store(Connection c) throws SQLException {
    SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
    return session.getDatabase().getStore().getMvStore();
  }
}
