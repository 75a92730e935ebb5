package io.distexec.master.store;

import java.nio.file.Path;

/**
 * Where the master keeps its jobs.
 *
 * @param url {@code memory}, or a JDBC URL ({@code jdbc:postgresql://...}, {@code jdbc:sqlite:...},
 *     {@code jdbc:h2:file:...}); empty for the embedded default, SQLite, under {@code dataDir}
 * @param user database user, or empty
 * @param password database password, or empty; never logged
 * @param dataDir folder of the embedded database
 * @param poolSize connections kept open
 */
public record StoreSettings(String url, String user, String password, Path dataDir, int poolSize) {

  public static final String MEMORY = "memory";
  public static final String DEFAULT_DATA_DIR = "data";
  public static final int DEFAULT_POOL_SIZE = 10;

  /** More connections than this only queue up in the database. */
  public static final int MAX_POOL_SIZE = 200;

  public StoreSettings {
    if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
      throw new IllegalArgumentException(
          "STORE_POOL_SIZE must be from 1 to " + MAX_POOL_SIZE + ", got " + poolSize);
    }
    if (dataDir == null || dataDir.toString().isBlank()) {
      throw new IllegalArgumentException("DATA_DIR must name a folder, e.g. /var/lib/distexec");
    }
    url = url == null ? "" : url.strip();
    if (!url.isEmpty() && !url.equalsIgnoreCase(MEMORY) && !url.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "STORE_URL must be 'memory' or a JDBC URL such as "
              + "jdbc:postgresql://db:5432/distexec, got '"
              + url
              + "'");
    }
  }

  /**
   * The JDBC URL to connect to: the configured one, or the embedded SQLite file under the data
   * folder.
   */
  public String jdbcUrl() {
    if (url != null && !url.isBlank()) {
      return url;
    }
    // SQLite in WAL mode (the connection's settings are in Stores): a million queued jobs took 623
    // MiB against H2's 3,981 MiB, at 2.7 times the rate and a quarter of the CPU
    // (bench/probes/StoreEngines.java). A data folder H2 wrote is copied into it at the first
    // start (H2ToSqlite).
    return "jdbc:sqlite:" + embeddedFile();
  }

  /** The embedded store's file. */
  public Path embeddedFile() {
    return dataDir.toAbsolutePath().resolve("distexec.db");
  }

  /**
   * The URL of the H2 file an earlier release kept under the data folder. WRITE_DELAY=0: each
   * commit reached the file before it returned. CACHE_SIZE=8192 (KiB): H2's page cache, by default
   * 64 MiB per GiB of heap, held the pages of recently finished jobs with their whole output.
   */
  public String h2Url() {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("distexec")
        + ";MODE=PostgreSQL;WRITE_DELAY=0;RETENTION_TIME=1000;CACHE_SIZE=8192";
  }

  /** Whether several masters can share the store: PostgreSQL (H2's file is one process's). */
  public boolean shared() {
    return jdbcUrl().startsWith("jdbc:postgresql:");
  }

  public boolean inMemory() {
    return MEMORY.equalsIgnoreCase(url);
  }

  @Override
  public String toString() {
    return "StoreSettings[url="
        + (inMemory() ? MEMORY : jdbcUrl())
        + ", user="
        + user
        + ", poolSize="
        + poolSize
        + "]";
  }
}
