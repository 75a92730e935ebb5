package io.distexec.master.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One unit of work in one transaction: committed when it returns, rolled back when it throws. */
final class Transactions {

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private Transactions() {}

  static <T> T run(DataSource dataSource, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }
}
