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
    // client survives kill -9 of the master (H2 would otherwise write up to 500 ms later). H2 does
    // not fsync either way: the embedded store survives a killed process, not a power cut.
    // RETENTION_TIME=1000: how long a chunk no longer used is kept before its space is reused
    // (EmbeddedCompaction says why the file grew). H2's default, 45 s, held 45 s of a busy master's
    // writes: hundreds of MB. Not 0: with 0 a reader still walking an older version found its chunk
    // reused ("MVStoreException: Chunk N not found", H2 issue #4383) and failed a commit in CI. Not
    // COMPRESS=TRUE: a settled file 2-5 times smaller, but LZF took a sixth of the master's CPU
    // (JFR). CACHE_SIZE=8192 (KiB): H2's page cache, by default 64 MiB per GiB of heap, held the
    // pages of recently finished jobs with their whole output (up to 2 x OUTPUT_CAP_BYTES a job):
    // 70 MiB of a 512 MiB master in MemoryBoundsIT's flood, on top of the bounded logs and watcher
    // queues. A job's row is read back rarely (a GET, a watcher of an ended job) and the file is
    // in the OS's page cache anyway.
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
