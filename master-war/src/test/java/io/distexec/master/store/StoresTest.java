package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.jobs.JobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {

  @Test
  void theEmbeddedStoresFolderIsTheMastersUsersAlone(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (JobStore store = Stores.open(new StoreSettings("", "", "", data, 2), Clock.systemUTC())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
          .isEqualTo("rwx------");
    }
  }
}
