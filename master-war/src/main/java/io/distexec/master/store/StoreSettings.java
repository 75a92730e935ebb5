package io.distexec.master.store;

import java.nio.file.Path;

/**
 * Where the master keeps its jobs.
 *
 * @param url {@code memory}, or a JDBC URL ({@code jdbc:postgresql://...}, {@code jdbc:h2:file:...});
 *     empty for the embedded default under {@code dataDir}
 * @param user database user, or empty
 * @param password database password, or empty; never logged
 * @param dataDir folder of the embedded database
 * @param poolSize connections kept open
 */
public record StoreSettings(String url, String user, String password, Path dataDir, int poolSize) {

  public static final String MEMORY = "memory";

  /** The JDBC URL to connect to: the configured one, or the embedded H2 file under the data folder. */
  public String jdbcUrl() {
    if (url != null && !url.isBlank()) {
      return url;
    }
    // WRITE_DELAY=0: each commit reaches the file before it returns, so a job acknowledged to a
    // client survives kill -9 of the master (H2 would otherwise write up to 500 ms later).
    // RETENTION_TIME=0: with WRITE_DELAY=0 H2 runs no background compaction, and keeping old chunks
    // for its default 45 s grew the file by ~20 KB per commit (24 GB for a million queued jobs);
    // reusing them at once keeps it small. H2 does not fsync either way: the embedded store
    // survives a killed process, not a power cut; PostgreSQL is the store for that.
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("distexec")
        + ";MODE=PostgreSQL;WRITE_DELAY=0;RETENTION_TIME=0";
  }

  public boolean inMemory() {
    return MEMORY.equalsIgnoreCase(url);
  }

  @Override
  public String toString() {
    return "StoreSettings[url=" + (inMemory() ? MEMORY : jdbcUrl()) + ", user=" + user + ", poolSize=" + poolSize + "]";
  }
}
