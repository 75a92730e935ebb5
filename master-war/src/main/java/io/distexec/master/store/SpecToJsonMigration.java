package io.distexec.master.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.distexec.master.jobs.JobSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Schema version 3: converts every job's spec from the old protobuf bytes ({@code spec}) to the
 * store's own JSON document ({@code spec_json}, see {@link SpecFormat}), a batch of rows at a time.
 * A row whose bytes cannot be read is logged and kept with an empty command (a command job with one
 * fails on its worker): one bad row does not stop the master.
 */
final class SpecToJsonMigration implements SchemaMigrations.JavaMigration {

  private static final Logger LOG = Logger.getLogger(SpecToJsonMigration.class.getName());

  @Override
  public void migrate(Connection c) throws SQLException {
    int total =
        ColumnFill.fill(
            c,
            "SELECT id, spec FROM jobs WHERE spec_json IS NULL ORDER BY seq",
            "UPDATE jobs SET spec_json = ? WHERE id = ?",
            (id, row) -> convert(id, row.getBytes(2)));
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
