package io.distexec.master.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** H2, the embedded store of earlier releases, still usable with an explicit STORE_URL. */
class H2JobStoreTest extends JdbcJobStoreContract {

  @TempDir Path dataDir;

  @Override
  StoreSettings freshSettings() {
    return h2(dataDir.resolve("fresh"));
  }

  @Override
  StoreSettings settings() {
    return h2(dataDir);
  }

  static StoreSettings h2(Path dataDir) {
    return new StoreSettings(new StoreSettings("", "", "", dataDir, 4).h2Url(), "", "", dataDir, 4);
  }
}
