package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.distexec.master.access.AuditChain;
import io.distexec.master.access.AuditEntry;
import io.distexec.master.access.AuditLog;
import io.distexec.master.access.AuditRecord;
import io.distexec.master.jobs.IdempotencyKey;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobQuery;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.Transition;
import io.distexec.proto.v1.TaskSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract, plus what a database adds: everything is still there after the store is reopened.
 */
abstract class JdbcJobStoreContract extends JobStoreContract {

  /** Settings of this test's database. */
  abstract StoreSettings settings();

  /** Settings of another, empty database of the same kind. */
  abstract StoreSettings freshSettings() throws Exception;

  @Test
  void convertsSpecsStoredInTheFormatOfTheReleaseBefore() throws Exception {
    StoreSettings old = freshSettings();
    TaskSpec spec =
        TaskSpec.newBuilder()
            .setType("command")
            .setCommand("sh")
            .addArgs("-c")
            .addArgs("echo \"$A\"")
            .putEnv("A", "1")
            .setWorkdir("/tmp")
            .setStdin(ByteString.copyFrom(new byte[] {0, (byte) 0xff, 10}))
            .setTimeoutSeconds(30)
            .putAttributes("k", "v")
            .setShell(false)
            .build();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(old.jdbcUrl());
    config.setUsername(old.user().isEmpty() ? null : old.user());
    config.setAutoCommit(true);
    try (HikariDataSource dataSource = new HikariDataSource(config)) {
      SchemaMigrations.migrate(dataSource, 1); // the schema that release had
      try (Connection c = dataSource.getConnection();
          PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO jobs"
                      + " (id, status, spec, max_attempts, retry_exit_codes, attempt, created_at, output_truncated, error,"
                      + " stdout_bytes, stderr_bytes, processes_killed) VALUES ('old', 'QUEUED', ?, 2, '75', 0, ?, false, '',"
                      + " 0, 0, 0)")) {
        s.setBytes(1, spec.toByteArray()); // as that release wrote it: the wire's TaskSpec
        s.setObject(2, T0.atOffset(ZoneOffset.UTC));
        s.executeUpdate();
      }
    }
    try (JobStore upgraded = Stores.open(old, Clock.systemUTC())) {
      Job job = upgraded.find("old").orElseThrow();
      assertThat(job.spec())
          .usingRecursiveComparison()
          .isEqualTo(
              new JobSpec(
                  "command",
                  "sh",
                  List.of("-c", "echo \"$A\""),
                  Map.of("A", "1"),
                  "/tmp",
                  new byte[] {0, (byte) 0xff, 10},
                  30,
                  Map.of("k", "v"),
                  false));
      assertThat(job.retry().retryOnExitCodes()).containsExactly(75);
      assertThat(upgraded.countUnfinished()).isEqualTo(1);
      // Its command line was filled in for the text filter (V9), from the spec alone.
      assertThat(
              upgraded
                  .list(new JobQuery(null, null, null, null, "SH -c echo", 10, null, null))
                  .jobs())
          .extracting(Job::id)
          .containsExactly("old");
    }
  }

  @Override
  JobStore open() {
    return Stores.open(settings(), Clock.systemUTC());
  }

  /**
   * Appends from many threads at once (committed in groups) form one chain: every entry once, in
   * sequence, each hash over the one before.
   */
  @Test
  void concurrentAuditAppendsFormOneValidChain() throws Exception {
    try (OpenedStore opened = Stores.openAll(freshSettings(), Clock.systemUTC(), "m1")) {
      AuditLog audit = opened.audit();
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        List<Future<AuditEntry>> appended = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
          AuditRecord record =
              new AuditRecord("alice", "job.submit", "job-" + i, "127.0.0.1", "ok");
          appended.add(threads.submit(() -> audit.append(record, Instant.now())));
        }
        Set<Long> seqs = new HashSet<>();
        for (Future<AuditEntry> entry : appended) {
          seqs.add(entry.get(60, TimeUnit.SECONDS).seq());
        }
        assertThat(seqs).hasSize(400);
        AuditChain.Verification verified = audit.verify();
        assertThat(verified.valid()).as(verified.problem()).isTrue();
        assertThat(verified.entries()).isEqualTo(400);
        assertThat(audit.list(0, 1000)).extracting(AuditEntry::seq).isSorted().hasSize(400);
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void keepsJobsHistoryAndKeysAcrossAReopen() throws Exception {
    Job done = queued(T0);
    Job waiting = queued(T0);
    store.insert(done, new IdempotencyKey("k", "fp"));
    store.insert(waiting);
    store.update(done.id(), j -> j.dispatchedTo("w"));
    store.update(
        done.id(),
        j -> j.finished(JobStatus.SUCCEEDED, JobOutcome.of(0, new byte[] {1, 2}, ""), T0));
    store.close();

    store = open(); // migrations run again: must be a no-op
    assertThat(store.find(done.id()).orElseThrow().outcome().stdout()).containsExactly(1, 2);
    assertThat(store.history(done.id()))
        .extracting(Transition::status)
        .containsExactly(JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.SUCCEEDED);
    assertThat(store.insert(queued(T0), new IdempotencyKey("k", "fp")).id()).isEqualTo(done.id());
    assertThat(store.countUnfinished()).isEqualTo(1);
  }
}
