package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.Transition;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data folder written by the release before the store kept specs in its own format (in H2, the
 * embedded store then) opens after the upgrade with its jobs intact, copied into SQLite. {@code
 * store/v1/distexec.mv.db} was written by that release's own code (commit c2cc439: {@code
 * Stores.open} on an empty DATA_DIR, then {@code JobStore.insert} and {@code update} of the four
 * jobs asserted here).
 */
class OldDataFolderTest {

  @TempDir Path dataDir;

  @Test
  void opensWithItsJobsIntact() throws Exception {
    try (InputStream fixture = getClass().getResourceAsStream("/store/v1/distexec.mv.db")) {
      Files.copy(fixture, dataDir.resolve("distexec.mv.db"));
    }
    try (JobStore store =
        Stores.open(new StoreSettings("", "", "", dataDir, 2), Clock.systemUTC())) {
      Job queued = store.find("job-queued").orElseThrow();
      assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(queued.spec())
          .usingRecursiveComparison()
          .isEqualTo(
              new JobSpec(
                  "command",
                  "sh",
                  List.of("-c", "echo \"$GREETING\""),
                  Map.of("GREETING", "hi", "TOKEN", "s3cret"),
                  "/tmp",
                  "input\n".getBytes(),
                  30,
                  Map.of(),
                  false));
      assertThat(queued.retry().maxAttempts()).isEqualTo(3);
      assertThat(queued.retry().retryOnExitCodes()).isEqualTo(Set.of(75));

      Job succeeded = store.find("job-succeeded").orElseThrow();
      assertThat(succeeded.spec().type()).isEqualTo("script");
      assertThat(succeeded.spec().attributes())
          .containsEntry("script", "import sys\nprint('hello', sys.argv[1])");
      assertThat(new String(succeeded.outcome().stdout())).isEqualTo("hello world\n");
      assertThat(store.history("job-succeeded"))
          .extracting(Transition::status)
          .containsExactly(
              JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.RUNNING, JobStatus.SUCCEEDED);

      Job running = store.find("job-running").orElseThrow();
      assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
      assertThat(running.workerId()).isEqualTo("worker-2");

      Job failed = store.find("job-failed").orElseThrow();
      assertThat(failed.spec().shell()).isTrue();
      assertThat(failed.exitCode()).hasValue(3);

      assertThat(store.countUnfinished()).isEqualTo(2);
    }
    // Copied into the SQLite store once: the H2 file is kept under another name, and the next
    // start opens the copy.
    assertThat(dataDir.resolve("distexec.mv.db")).doesNotExist();
    assertThat(dataDir.resolve("distexec.mv.db.copied")).exists();
    try (JobStore store =
        Stores.open(new StoreSettings("", "", "", dataDir, 2), Clock.systemUTC())) {
      assertThat(store.find("job-failed").orElseThrow().exitCode()).hasValue(3);
      assertThat(store.countUnfinished()).isEqualTo(2);
    }
  }
}
