package io.distexec.master.store;

import io.distexec.master.jobs.JobQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Schema version 9: fills {@code command_line} (V8) for the jobs stored before it, a batch of rows
 * at a time, so that a text filter finds old jobs too.
 */
final class CommandLineMigration implements SchemaMigrations.JavaMigration {

  private static final Logger LOG = Logger.getLogger(CommandLineMigration.class.getName());

  @Override
  public void migrate(Connection c) throws SQLException {
    int total =
        ColumnFill.fill(
            c,
            "SELECT id, spec_json FROM jobs WHERE command_line IS NULL ORDER BY seq",
            "UPDATE jobs SET command_line = ? WHERE id = ?",
            (id, row) -> commandLine(row.getString(2)));
    LOG.info(() -> "store schema: filled the command line of " + total + " job(s)");
  }

  /** The spec's command line, or an empty one for a spec that cannot be read (never null). */
  private static String commandLine(String specJson) {
    try {
      return JobQuery.commandLine(SpecFormat.read(specJson));
    } catch (RuntimeException e) {
      return "";
    }
  }
}
