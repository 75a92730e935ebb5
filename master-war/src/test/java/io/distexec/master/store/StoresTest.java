package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.access.ApiToken;
import io.distexec.master.access.Role;
import io.distexec.master.jobs.JobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {

  @Test
  void tokensKeepTheirExpiryAndRevocation(@TempDir Path dir) {
    Instant made = Instant.parse("2026-11-25T12:00:00.123456Z");
    ApiToken expiring =
        new ApiToken(
            "ci",
            "a".repeat(64),
            Set.of(Role.SUBMITTER, Role.VIEWER),
            made,
            "admin",
            null,
            ApiToken.FROM_API,
            made.plus(Duration.ofDays(90)));
    ApiToken lasting =
        new ApiToken(
            "robot", "b".repeat(64), Set.of(Role.VIEWER), made, "admin", null, "api", null);
    try (OpenedStore opened =
        Stores.openAll(
            new StoreSettings("", "", "", dir.resolve("data"), 2), Clock.systemUTC(), "master")) {
      opened.tokens().insert(expiring);
      opened.tokens().insert(lasting);
      assertThat(opened.tokens().findByHash("a".repeat(64))).contains(expiring);
      assertThat(opened.tokens().revoke("robot", made.plusSeconds(5))).isEqualTo(1);
      assertThat(opened.tokens().list())
          .containsExactly(expiring, lasting.revokedAt(made.plusSeconds(5)));
    }
  }

  @Test
  void theEmbeddedStoresFolderIsTheMastersUsersAlone(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (JobStore store = Stores.open(new StoreSettings("", "", "", data, 2), Clock.systemUTC())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
          .isEqualTo("rwx------");
    }
  }

  /**
   * H2's page cache grows with the heap (64 MiB per GiB) and holds finished jobs' rows with their
   * output; an H2 store sets it small (MemoryBoundsIT measured what it kept).
   */
  @Test
  void anH2StoresPageCacheIsSmallWhateverTheHeap(@TempDir Path dir) throws Exception {
    StoreSettings settings = H2JobStoreTest.h2(dir.resolve("data"));
    try (JobStore store = Stores.open(settings, Clock.systemUTC());
        Connection c = DriverManager.getConnection(settings.jdbcUrl());
        ResultSet r =
            c.createStatement()
                .executeQuery(
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                        + " WHERE SETTING_NAME = 'CACHE_SIZE'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("8192");
    }
  }

  @Test
  void theEmbeddedStoreIsSqliteWritingAheadInItsLog(@TempDir Path dir) throws Exception {
    StoreSettings settings = new StoreSettings("", "", "", dir.resolve("data"), 2);
    try (JobStore store = Stores.open(settings, Clock.systemUTC());
        Connection c = DriverManager.getConnection(settings.jdbcUrl());
        java.sql.Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
      assertThat(settings.jdbcUrl()).startsWith("jdbc:sqlite:");
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("wal");
    }
  }

  @Test
  void aSecondStoreOnOneDataFolderIsRefusedWithTheReason(@TempDir Path dir) {
    StoreSettings settings = new StoreSettings("", "", "", dir.resolve("data"), 2);
    try (JobStore first = Stores.open(settings, Clock.systemUTC())) {
      assertThatThrownBy(() -> Stores.open(settings, Clock.systemUTC()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("another master uses the embedded store in")
          .hasMessageContaining("DATA_DIR");
    }
    // Closed, the folder is free again.
    try (JobStore again = Stores.open(settings, Clock.systemUTC())) {
      assertThat(again.countUnfinished()).isZero();
    }
  }
}
