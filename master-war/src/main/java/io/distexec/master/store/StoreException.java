package io.distexec.master.store;

import java.sql.SQLException;

/** The database failed (unreachable, full, refused a statement); the operation did not happen. */
public final class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreException(SQLException cause) {
    super("job store: " + cause.getMessage(), cause);
  }

  /** The SQL state of the database's error, e.g. 23505 for a unique violation. */
  public String sqlState() {
    return ((SQLException) getCause()).getSQLState();
  }
}
