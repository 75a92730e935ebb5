package io.distexec.master.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: an H2 file under DATA_DIR. */
class H2JobStoreTest extends JdbcJobStoreContract {

  @TempDir Path dataDir;

  @Override
  StoreSettings freshSettings() {
    return new StoreSettings("", "", "", dataDir.resolve("fresh"), 4);
  }

  @Override
  StoreSettings settings() {
    return new StoreSettings("", "", "", dataDir, 4);
  }
}
