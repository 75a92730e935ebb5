package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.master.access.AuditRecord;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The H2 store as the master opens it (an explicit {@code STORE_URL=jdbc:h2:file:...}; the embedded
 * store of earlier releases), with its compaction running: two bursts of jobs run through their
 * whole lifecycle leave a file of at most {@value #BYTES_PER_JOB} bytes per job, where without the
 * compaction it grows by ~26 KB per job. At this size the file is mostly the working space a busy
 * master writes into (the pages of the last second, kept by H2's retention, and those not yet
 * moved); each job adds ~2 KB once the file has reached it, which the bench measures at scale
 * ({@code store_bytes_per_job}: 100,000 queued jobs, thousands run). Every job stays intact.
 */
class EmbeddedCompactionTest {

  static final int JOBS = 3_000;
  static final int BYTES_PER_JOB = 16 * 1024;

  @TempDir Path dataDir;

  @Test
  void theCompactionGivesTheSpaceOfOldPagesBackWhileJobsComeAndGo() throws Exception {
    try (OpenedStore opened =
        Stores.openAll(
            new StoreSettings(
                new StoreSettings("", "", "", dataDir, 10).h2Url(), "", "", dataDir, 10),
            Clock.systemUTC(),
            "master-it")) {
      EmbeddedCompaction compaction = opened.compaction().orElseThrow();
      AtomicBoolean compacted = new AtomicBoolean();
      Callable<Boolean> pass =
          () -> {
            boolean rewrote = compaction.run();
            if (rewrote) {
              compacted.set(true);
            }
            return rewrote;
          };
      // One thread, as the master's scheduler runs the passes (every 250 ms), a little more often
      // to keep the test short; the settle's passes run on it too, never beside a scheduled one.
      ScheduledExecutorService passes = Executors.newSingleThreadScheduledExecutor();
      long first;
      long second;
      try {
        passes.scheduleWithFixedDelay(
            () -> {
              try {
                pass.call();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            100,
            100,
            TimeUnit.MILLISECONDS);
        runJobs(opened, 1, JOBS);
        first = settled(compaction, passes, pass);
        runJobs(opened, JOBS + 1, 2 * JOBS);
        second = settled(compaction, passes, pass);
      } finally {
        passes.shutdownNow();
      }
      System.out.printf(
          "embedded store: %.1f MB after %d jobs, %.1f MB after %d (%d bytes per job)%n",
          first / 1e6, JOBS, second / 1e6, 2 * JOBS, second / (2 * JOBS));
      assertThat(compacted).isTrue();
      assertThat(second).isLessThanOrEqualTo(2L * JOBS * BYTES_PER_JOB);
      assertThat(opened.store().countUnfinished()).isZero();
      for (int i : new int[] {1, JOBS, 2 * JOBS}) {
        Job job = opened.store().find(id(i)).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.outcome().stdout()).isEqualTo("hello\n".getBytes(StandardCharsets.UTF_8));
        assertThat(opened.store().history(id(i))).hasSize(4);
      }
    }
  }

  /**
   * The file's size once the chunks the last burst left have outlived H2's retention (1 s) and a
   * pass finds nothing left to rewrite.
   */
  private static long settled(
      EmbeddedCompaction compaction, ScheduledExecutorService passes, Callable<Boolean> pass) {
    await()
        .pollDelay(Duration.ofMillis(1_100))
        .pollInterval(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(30))
        .until(() -> !passes.submit(pass).get());
    return compaction.fileSize();
  }

  /** Each job as the master stores it: submitted (with its audit entry), dispatched, run, ended. */
  private static void runJobs(OpenedStore opened, int from, int to) throws Exception {
    AtomicInteger next = new AtomicInteger(from - 1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            threads.submit(
                () -> {
                  for (int i = next.incrementAndGet(); i <= to; i = next.incrementAndGet()) {
                    Job job = Job.queued(id(i), JobSpec.command("echo", "hello"), Instant.now());
                    opened.store().insert(job);
                    opened
                        .audit()
                        .append(
                            new AuditRecord("admin", "job.submit", job.id(), "127.0.0.1", "ok"),
                            Instant.now());
                    opened.store().update(job.id(), j -> j.dispatchedTo("worker-1"));
                    opened.store().update(job.id(), j -> j.running(Instant.now()));
                    opened
                        .store()
                        .update(
                            job.id(),
                            j ->
                                j.finished(
                                    JobStatus.SUCCEEDED,
                                    JobOutcome.of(
                                        0, "hello\n".getBytes(StandardCharsets.UTF_8), null),
                                    Instant.now()));
                  }
                  return null;
                }));
      }
      for (Future<?> result : results) {
        result.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static String id(int i) {
    return "job-%08d".formatted(i);
  }
}
