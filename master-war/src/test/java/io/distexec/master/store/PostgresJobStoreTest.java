package io.distexec.master.store;

import io.distexec.testing.PostgresServer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;

/** PostgreSQL, on a real server started for the tests (see {@link PostgresServer}). */
class PostgresJobStoreTest extends JdbcJobStoreContract {

  private String url;

  @BeforeEach
  @Override
  void openStore() throws Exception {
    url = PostgresServer.get().newDatabase();
    super.openStore();
  }

  @Override
  StoreSettings freshSettings() throws Exception {
    return new StoreSettings(
        PostgresServer.get().newDatabase(), "distexec", "", Path.of("unused"), 4);
  }

  @Override
  StoreSettings settings() {
    return new StoreSettings(url, "distexec", "", Path.of("unused"), 4);
  }
}
