package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.jobs.JobStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: a SQLite file under DATA_DIR. */
class SqliteJobStoreTest extends JdbcJobStoreContract {

  @TempDir Path dataDir;

  @Override
  StoreSettings freshSettings() {
    return new StoreSettings("", "", "", dataDir.resolve("fresh"), 4);
  }

  @Override
  StoreSettings settings() {
    return new StoreSettings("", "", "", dataDir, 4);
  }

  /**
   * No release wrote SQLite before this one: a new store starts at the current schema in one step
   * (a data folder an earlier release wrote is H2's, copied over: {@code OldDataFolderTest}).
   */
  @Override
  @Test
  void convertsSpecsStoredInTheFormatOfTheReleaseBefore() throws Exception {
    StoreSettings fresh = freshSettings();
    try (JobStore store = Stores.open(fresh, Clock.systemUTC());
        Connection c = DriverManager.getConnection(fresh.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, script FROM distexec_schema")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(SchemaMigrations.MIGRATIONS.get(8).version());
      assertThat(rs.getString(2)).isEqualTo("V9__schema.sql");
      assertThat(rs.next()).isFalse();
    }
  }
}
