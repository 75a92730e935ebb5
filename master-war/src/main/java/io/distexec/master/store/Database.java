package io.distexec.master.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * A store's database: its connections, what its SQL must differ by ({@link Dialect}), and the turn
 * its writers take where it has one writer (SQLite). Each unit of work is one transaction:
 * committed when it returns, rolled back when it throws.
 */
final class Database {

  /** One unit of work in one transaction. */
  @FunctionalInterface
  interface Work<T, X extends Exception> {
    T run(Connection c) throws SQLException, X;
  }

  private final DataSource dataSource;
  private final Dialect dialect;
  private final ReentrantLock writer = new ReentrantLock();

  Database(DataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Work that changes rows: on a one-writer database, after the writer before it has committed. */
  <T, X extends Exception> T write(Work<T, X> work) throws X {
    if (!dialect.oneWriter()) {
      return run(work);
    }
    writer.lock();
    try {
      return run(work);
    } finally {
      writer.unlock();
    }
  }

  /** Work that only reads: beside the writer, on a snapshot. */
  <T, X extends Exception> T read(Work<T, X> work) throws X {
    return run(work);
  }

  private <T, X extends Exception> T run(Work<T, X> work) throws X {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (Exception e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }
}
