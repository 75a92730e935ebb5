package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.distexec.master.jobs.FencedException;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.RetryPolicy;
import io.distexec.master.leadership.Lease;
import io.distexec.testing.PostgresServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two masters on one real PostgreSQL: the lease, the fence and the announcements, as their stores
 * see them.
 */
class PostgresLeadershipTest {

  private StoreSettings settings;
  private OpenedStore a;
  private OpenedStore b;

  @BeforeEach
  void open() {
    settings =
        new StoreSettings(PostgresServer.get().newDatabase(), "distexec", "", Path.of("unused"), 4);
    a = Stores.openAll(settings, Clock.systemUTC(), "a");
    b = Stores.openAll(settings, Clock.systemUTC(), "b");
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  @Test
  void oneLeadsAtATimeByTheDatabasesClockAndATakeoverRaisesTheTerm() {
    Duration lease = Duration.ofSeconds(2);
    Lease first = a.leases().claim("a", "1", "a:50050", lease);
    assertThat(first.holder()).isEqualTo("a");
    Lease seen = b.leases().claim("b", "1", "b:50050", lease);
    assertThat(seen.holder()).isEqualTo("a"); // b waits
    assertThat(a.leases().claim("a", "1", "a:50050", lease).term()).isEqualTo(first.term());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> "b".equals(b.leases().claim("b", "1", "b:50050", lease).holder()));
    Lease taken = b.leases().claim("b", "1", "b:50050", lease);
    assertThat(taken.term()).isEqualTo(first.term() + 1);
    assertThat(a.leases().claim("a", "1", "a:50050", lease).holder()).isEqualTo("b");
  }

  @Test
  void aDeposedLeadersWritesAreRefusedWhileAnyMastersSubmitsAndCancelsGoOn() {
    Duration lease = Duration.ofSeconds(30);
    long termA = a.leases().claim("a", "1", "a:50050", lease).term();
    JobStore leaderA = a.store().fencedBy(() -> termA);
    Job job =
        Job.queued(
            "j1", JobSpec.command("true"), RetryPolicy.NONE, Clock.systemUTC().instant(), "u");
    b.store().insert(job); // a standby takes a submit
    assertThat(leaderA.update("j1", j -> j.dispatchedTo("w1")).orElseThrow().status())
        .isEqualTo(JobStatus.DISPATCHED);

    a.leases().release("a", "1"); // or a pause past the lease: b takes over
    long termB = b.leases().claim("b", "1", "b:50050", lease).term();
    assertThat(termB).isGreaterThan(termA);

    assertThatThrownBy(() -> leaderA.update("j1", j -> j.running(Clock.systemUTC().instant())))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("term " + termA)
        .hasMessageContaining("term " + termB);
    assertThat(b.store().find("j1").orElseThrow().status()).isEqualTo(JobStatus.DISPATCHED);
    assertThat(
            b.store()
                .fencedBy(() -> termB)
                .update("j1", j -> j.running(Clock.systemUTC().instant())))
        .hasValueSatisfying(j -> assertThat(j.status()).isEqualTo(JobStatus.RUNNING));
    // The history holds each change once: the refused write left nothing behind.
    assertThat(b.store().history("j1"))
        .extracting(t -> t.status())
        .containsExactly(JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.RUNNING);
  }

  @Test
  void theLeaderHearsOfJobsStoredByAStandbyWhenTheyCommit() throws Exception {
    List<Announcement> heard = new CopyOnWriteArrayList<>();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (JobAnnouncements listening = new JobAnnouncements(settings, "a")) {
      thread.execute(() -> listening.listen(heard::add, () -> {}));
      await().atMost(Duration.ofSeconds(10)).until(listening::subscribed);
      a.store()
          .insert(
              Job.queued(
                  "own",
                  JobSpec.command("true"),
                  RetryPolicy.NONE,
                  Clock.systemUTC().instant(),
                  "u"));
      b.store()
          .insert(
              Job.queued(
                  "theirs",
                  JobSpec.command("true"),
                  RetryPolicy.NONE,
                  Clock.systemUTC().instant(),
                  "u"));
      new JobAnnouncements(settings, "b").cancel("theirs", "cancelled by carol");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(heard)
                      .containsExactly(
                          new Announcement.Queued("b", "theirs", "command"),
                          new Announcement.Cancel("b", "theirs", "cancelled by carol")));
    } finally {
      thread.shutdownNow();
    }
  }
}
