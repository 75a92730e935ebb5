package io.distexec.master.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A migration's conversion of one column into another, row by row, a batch at a time, so that a
 * large table is never read into memory at once.
 */
final class ColumnFill {

  private static final int BATCH = 500;

  /** The new column's value from a row's old one. */
  interface Conversion {
    String convert(String id, ResultSet row) throws SQLException;
  }

  private ColumnFill() {}

  /**
   * @param select the rows still to fill, {@code id} first, at most {@code LIMIT} of them: it must
   *     stop finding a row once it is filled (the target column {@code IS NULL})
   * @param update sets the new value (first parameter) of the row with the id (second)
   * @return how many rows were filled
   */
  static int fill(Connection c, String select, String update, Conversion conversion)
      throws SQLException {
    int filled = 0;
    List<String[]> batch;
    do {
      batch = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(select + " LIMIT " + BATCH)) {
        ResultSet rs = s.executeQuery();
        while (rs.next()) {
          String id = rs.getString(1);
          batch.add(new String[] {id, conversion.convert(id, rs)});
        }
      }
      try (PreparedStatement u = c.prepareStatement(update)) {
        for (String[] row : batch) {
          u.setString(1, row[1]);
          u.setString(2, row[0]);
          u.addBatch();
        }
        if (!batch.isEmpty()) {
          u.executeBatch();
        }
      }
      filled += batch.size();
    } while (batch.size() == BATCH);
    return filled;
  }
}
