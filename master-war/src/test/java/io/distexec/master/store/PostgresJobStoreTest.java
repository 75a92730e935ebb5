package io.distexec.master.store;

import io.distexec.common.testing.PostgresServer;
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
  StoreSettings settings() {
    return new StoreSettings(url, "distexec", "", Path.of("unused"), 4);
  }
}
