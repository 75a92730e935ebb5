package io.distexec.master.store;

import java.nio.file.Path;

/**
 * Where the master keeps its jobs.
 *
 * @param url {@code memory}, or a JDBC URL ({@code jdbc:postgresql://...}, {@code
 *     jdbc:h2:file:...}); empty for the embedded default under {@code dataDir}
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
   * The JDBC URL to connect to: the configured one, or the embedded H2 file under the data folder.
   */
  public String jdbcUrl() {
    if (url != null && !url.isBlank()) {
      return url;
    }
    // WRITE_DELAY=0: each commit reaches the file before it returns, so a job acknowledged to a
    // client survives kill -9 of the master (H2 would otherwise write up to 500 ms later).
    // H2's default RETENTION_TIME (old chunks kept 45 s) stays: with RETENTION_TIME=0 the file grew
    // far less under load, but a reader still walking an older version (the ANALYZE H2 runs at
    // commit, a long listing) found its chunk already reused: "MVStoreException: Chunk N not found"
    // failed a commit in CI (H2 issue #4383). The price is disk: ~20 KB per commit while busy (24
    // GB
    // for a burst of a million queued jobs); PostgreSQL is the store for queues that deep. H2 does
    // not fsync either way: the embedded store survives a killed process, not a power cut.
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("distexec")
        + ";MODE=PostgreSQL;WRITE_DELAY=0";
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
