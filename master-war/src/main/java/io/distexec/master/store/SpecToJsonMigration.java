package io.distexec.master.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.distexec.master.jobs.JobSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Schema version 3: converts every job's spec from the old protobuf bytes ({@code spec}) to the
 * store's own JSON document ({@code spec_json}, see {@link SpecFormat}), a batch of rows at a time.
 * A row whose bytes cannot be read is logged and kept with an empty command (a command job with one
 * fails on its worker): one bad row does not stop the master.
 */
final class SpecToJsonMigration implements SchemaMigrations.JavaMigration {

  private static final Logger LOG = Logger.getLogger(SpecToJsonMigration.class.getName());
  private static final int BATCH = 500;

  @Override
  public void migrate(Connection c) throws SQLException {
    int converted = 0;
    List<String[]> batch;
    do {
      batch = new ArrayList<>();
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT id, spec FROM jobs WHERE spec_json IS NULL ORDER BY seq LIMIT " + BATCH)) {
        ResultSet rs = s.executeQuery();
        while (rs.next()) {
          batch.add(new String[] {rs.getString(1), convert(rs.getString(1), rs.getBytes(2))});
        }
      }
      try (PreparedStatement u = c.prepareStatement("UPDATE jobs SET spec_json = ? WHERE id = ?")) {
        for (String[] row : batch) {
          u.setString(1, row[1]);
          u.setString(2, row[0]);
          u.addBatch();
        }
        if (!batch.isEmpty()) {
          u.executeBatch();
        }
      }
      converted += batch.size();
    } while (batch.size() == BATCH);
    int total = converted;
    LOG.info(
        () ->
            "store schema: converted the spec of " + total + " job(s) to the store's JSON format");
  }

  private static String convert(String id, byte[] bytes) throws SQLException {
    try {
      return SpecFormat.write(LegacySpecFormat.read(bytes == null ? new byte[0] : bytes));
    } catch (InvalidProtocolBufferException e) {
      LOG.severe(
          () ->
              "job "
                  + id
                  + " has an unreadable spec; it is kept with an empty command: "
                  + e.getMessage());
      return SpecFormat.write(new JobSpec(null, "", null, null, null, null, 0, null, false));
    }
  }
}
