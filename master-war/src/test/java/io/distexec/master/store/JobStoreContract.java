package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.jobs.IdempotencyConflictException;
import io.distexec.master.jobs.IdempotencyKey;
import io.distexec.master.jobs.InvalidCursorException;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobQuery;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.Page;
import io.distexec.master.jobs.RetryPolicy;
import io.distexec.master.jobs.Transition;
import io.distexec.master.jobs.UnfinishedJob;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobStore} must do; each implementation's test extends this with a fresh, empty
 * store per test.
 */
abstract class JobStoreContract {

  static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123456Z");

  JobStore store;
  private final AtomicInteger ids = new AtomicInteger();

  /** A new, empty store. */
  abstract JobStore open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  Job queued(Instant createdAt) {
    return Job.queued("job-" + ids.incrementAndGet(), JobSpec.command("echo", "hi"), createdAt);
  }

  @Test
  void keepsEveryFieldOfASpecAndRetryPolicy() {
    JobSpec spec =
        new JobSpec(
            "script",
            "run.sh",
            List.of("a b", "", "ünïcødé"),
            Map.of("TOKEN", "s3cret", "X", ""),
            "/tmp",
            "input\n".getBytes(StandardCharsets.UTF_8),
            30,
            Map.of("lang", "sh"),
            true);
    Job job = Job.queued("full", spec, new RetryPolicy(3, Set.of(75, 1)), T0);
    store.insert(job);

    Job found = store.find("full").orElseThrow();
    assertThat(found.spec()).usingRecursiveComparison().isEqualTo(spec);
    assertThat(found.spec().stdin()).isEqualTo("input\n".getBytes(StandardCharsets.UTF_8));
    assertThat(found.retry()).isEqualTo(new RetryPolicy(3, Set.of(1, 75)));
    assertThat(found.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(found.createdAt()).isEqualTo(T0);
    assertThat(found.attempt()).isZero();
    assertThat(found.workerId()).isNull();
  }

  @Test
  void refusesASecondJobWithTheSameId() {
    Job job = queued(T0);
    store.insert(job);
    assertThatThrownBy(() -> store.insert(job)).isInstanceOf(RuntimeException.class);
    assertThat(store.countUnfinished()).isEqualTo(1);
  }

  @Test
  void findsNothingForAnUnknownId() {
    assertThat(store.find("nope")).isEmpty();
    assertThat(store.update("nope", j -> j.dispatchedTo("w"))).isEmpty();
    assertThat(store.history("nope")).isEmpty();
  }

  @Test
  void storesEachTransitionWithItsHistoryEntry() {
    Job job = queued(T0);
    store.insert(job);
    store.update(job.id(), j -> j.dispatchedTo("w1"));
    store.update(job.id(), j -> j.running(T0.plusSeconds(1)));
    store.update(job.id(), j -> j.retried("attempt 1 lost: worker w1 died"));
    store.update(job.id(), j -> j.dispatchedTo("w2"));
    JobOutcome outcome =
        new JobOutcome(
            OptionalInt.of(3),
            "out".getBytes(StandardCharsets.UTF_8),
            "err".getBytes(StandardCharsets.UTF_8),
            true,
            "exited with code 3",
            5_000_000,
            3,
            OptionalLong.of(120),
            OptionalLong.of(1L << 33),
            2,
            OptionalLong.of(1500));
    Job ended =
        store
            .update(job.id(), j -> j.finished(JobStatus.FAILED, outcome, T0.plusSeconds(9)))
            .orElseThrow();

    Job found = store.find(job.id()).orElseThrow();
    assertThat(found.status()).isEqualTo(JobStatus.FAILED);
    assertThat(found.workerId()).isEqualTo("w2");
    assertThat(found.attempt()).isEqualTo(2);
    assertThat(found.finishedAt()).isEqualTo(T0.plusSeconds(9));
    assertThat(found.outcome()).usingRecursiveComparison().isEqualTo(outcome);
    assertThat(found.outcome()).usingRecursiveComparison().isEqualTo(ended.outcome());

    List<Transition> history = store.history(job.id());
    assertThat(history)
        .extracting(Transition::status)
        .containsExactly(
            JobStatus.QUEUED,
            JobStatus.DISPATCHED,
            JobStatus.RUNNING,
            JobStatus.QUEUED,
            JobStatus.DISPATCHED,
            JobStatus.FAILED);
    assertThat(history).extracting(Transition::attempt).containsExactly(0, 1, 1, 1, 2, 2);
    assertThat(history)
        .extracting(Transition::workerId)
        .containsExactly(null, "w1", "w1", null, "w2", "w2");
    assertThat(history.get(3).error()).isEqualTo("attempt 1 lost: worker w1 died");
    assertThat(history.get(5).exitCode()).hasValue(3);
    assertThat(history.get(5).error()).isEqualTo("exited with code 3");
  }

  @Test
  void aRefusedChangeLeavesTheJobAsItWas() {
    Job job = queued(T0);
    store.insert(job);
    assertThatThrownBy(() -> store.update(job.id(), j -> j.running(T0)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(store.history(job.id())).hasSize(1);
  }

  @Test
  void aDeclinedChangeAddsNoHistory() {
    Job job = queued(T0);
    store.insert(job);
    assertThat(store.update(job.id(), j -> j))
        .hasValueSatisfying(j -> assertThat(j.id()).isEqualTo(job.id()));
    assertThat(store.history(job.id())).hasSize(1);
  }

  @Test
  void keepsOutputOfAMebibytePerStream() {
    Job job = queued(T0);
    store.insert(job);
    byte[] big = new byte[1 << 20];
    Arrays.fill(big, (byte) 'x');
    store.update(job.id(), j -> j.dispatchedTo("w"));
    store.update(job.id(), j -> j.finished(JobStatus.SUCCEEDED, JobOutcome.of(0, big, ""), T0));
    assertThat(store.find(job.id()).orElseThrow().outcome().stdout()).isEqualTo(big);
  }

  /** Fencing rests on this: of racing changes to one job, each sees the one before it. */
  @Test
  void serializesConcurrentChangesToOneJob() throws Exception {
    Job job = queued(T0);
    store.insert(job);
    int racers = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(racers);
    try {
      List<Future<Optional<Job>>> results = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        String worker = "w" + i;
        results.add(
            threads.submit(
                () -> {
                  go.await();
                  return store.update(
                      job.id(),
                      j -> {
                        pause(); // widen the window between read and write: without a lock, every
                        // racer sees QUEUED
                        return j.status() == JobStatus.QUEUED ? j.dispatchedTo(worker) : j;
                      });
                }));
      }
      go.countDown();
      for (Future<Optional<Job>> result : results) {
        result.get();
      }
    } finally {
      threads.shutdownNow();
    }
    Job found = store.find(job.id()).orElseThrow();
    assertThat(found.attempt()).isEqualTo(1);
    assertThat(store.history(job.id()))
        .extracting(Transition::status)
        .containsExactly(JobStatus.QUEUED, JobStatus.DISPATCHED);
  }

  @Test
  void returnsTheFirstJobForARepeatedKeyAndRefusesAKeyReusedForAnotherRequest() throws Exception {
    Job first = queued(T0);
    assertThat(store.insert(first, new IdempotencyKey("k1", "fp-a"))).isSameAs(first);

    Job repeat = queued(T0.plusSeconds(1));
    assertThat(store.insert(repeat, new IdempotencyKey("k1", "fp-a")).id()).isEqualTo(first.id());
    assertThat(store.find(repeat.id())).isEmpty();

    assertThatThrownBy(() -> store.insert(queued(T0), new IdempotencyKey("k1", "fp-b")))
        .isInstanceOf(IdempotencyConflictException.class)
        .hasMessageContaining(first.id());
    assertThat(store.countUnfinished()).isEqualTo(1);
  }

  @Test
  void storesABatchWithItsHistoriesAndKeysOrNoneOfItOnAConflict() throws Exception {
    Job keyed = queued(T0);
    Job plain = queued(T0);
    assertThat(
            store.insertAll(
                List.of(
                    new JobStore.NewJob(keyed, new IdempotencyKey("b/0", "fp-a")),
                    new JobStore.NewJob(plain, null))))
        .containsExactly(keyed, plain);
    assertThat(store.find(plain.id()).map(Job::status)).contains(JobStatus.QUEUED);
    assertThat(store.history(keyed.id()))
        .extracting(Transition::status)
        .containsExactly(JobStatus.QUEUED);

    // The same batch again: the keyed job is the first one; the plain one is new.
    Job again = queued(T0);
    Job more = queued(T0);
    List<Job> repeat =
        store.insertAll(
            List.of(
                new JobStore.NewJob(again, new IdempotencyKey("b/0", "fp-a")),
                new JobStore.NewJob(more, null)));
    assertThat(repeat).extracting(Job::id).containsExactly(keyed.id(), more.id());
    assertThat(store.find(again.id())).isEmpty();

    // A conflict anywhere stores nothing of the batch, even the jobs before it.
    Job before = queued(T0);
    assertThatThrownBy(
            () ->
                store.insertAll(
                    List.of(
                        new JobStore.NewJob(before, null),
                        new JobStore.NewJob(queued(T0), new IdempotencyKey("b/0", "fp-other")))))
        .isInstanceOf(IdempotencyConflictException.class);
    assertThat(store.find(before.id())).isEmpty();
    assertThat(store.countUnfinished()).isEqualTo(3);
  }

  /**
   * Concurrent submits (committed in groups by the JDBC store), one of them with a key used before
   * for another request: that one alone is refused, every other is stored with its history.
   */
  @Test
  void concurrentInsertsAreEachStoredOrRefusedOnTheirOwn() throws Exception {
    store.insert(queued(T0), new IdempotencyKey("taken", "fp-a"));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    List<Future<Job>> results = new ArrayList<>();
    List<Job> jobs = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Job job = queued(T0);
        jobs.add(job);
        IdempotencyKey key = i == 100 ? new IdempotencyKey("taken", "fp-b") : null;
        results.add(threads.submit(() -> store.insert(job, key)));
      }
      for (int i = 0; i < 200; i++) {
        if (i == 100) {
          Future<Job> refused = results.get(i);
          assertThatThrownBy(refused::get).hasCauseInstanceOf(IdempotencyConflictException.class);
          assertThat(store.find(jobs.get(i).id())).isEmpty();
        } else {
          assertThat(results.get(i).get().id()).isEqualTo(jobs.get(i).id());
          assertThat(store.history(jobs.get(i).id())).hasSize(1);
        }
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(store.countUnfinished()).isEqualTo(200);
  }

  /**
   * Concurrent changes of many jobs (committed in groups by the JDBC store: a slow change holds a
   * commit open while others queue behind it), some refused by their own change function: those
   * alone fail and write nothing; every other job goes through its states in order, each with its
   * history row.
   */
  @Test
  void concurrentChangesAreEachStoredOrRefusedOnTheirOwn() throws Exception {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Job job = queued(T0);
      store.insert(job);
      jobs.add(job);
    }
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<Optional<Job>>> results = new ArrayList<>();
      for (int i = 0; i < jobs.size(); i++) {
        String id = jobs.get(i).id();
        boolean refused = i % 5 == 0;
        results.add(
            threads.submit(
                () -> {
                  store.update(id, j -> j.dispatchedTo("w"));
                  if (refused) {
                    return store.update(
                        id,
                        j -> {
                          pause();
                          throw new IllegalStateException("refused: " + id);
                        });
                  }
                  store.update(id, j -> j.running(T0));
                  return store.update(
                      id,
                      j ->
                          j.finished(JobStatus.SUCCEEDED, JobOutcome.of(0, new byte[1], null), T0));
                }));
      }
      for (int i = 0; i < jobs.size(); i++) {
        String id = jobs.get(i).id();
        if (i % 5 == 0) {
          assertThatThrownBy(results.get(i)::get).hasMessageContaining("refused: " + id);
          assertThat(store.find(id).map(Job::status)).contains(JobStatus.DISPATCHED);
          assertThat(store.history(id))
              .extracting(Transition::status)
              .containsExactly(JobStatus.QUEUED, JobStatus.DISPATCHED);
        } else {
          assertThat(results.get(i).get().map(Job::status)).contains(JobStatus.SUCCEEDED);
          assertThat(store.history(id))
              .extracting(Transition::status)
              .containsExactly(
                  JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
        }
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(store.countUnfinished()).isEqualTo(12);
  }

  @Test
  void storesOneJobWhenRequestsWithTheSameKeyRace() throws Exception {
    int racers = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(racers);
    List<String> ids = new ArrayList<>();
    try {
      List<Future<Job>> results = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        Callable<Job> submit =
            () -> {
              go.await();
              return store.insert(queued(T0), new IdempotencyKey("same", "fp"));
            };
        results.add(threads.submit(submit));
      }
      go.countDown();
      for (Future<Job> result : results) {
        ids.add(result.get().id());
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(Set.copyOf(ids)).hasSize(1);
    assertThat(store.countUnfinished()).isEqualTo(1);
  }

  @Test
  void listsNewestFirstInPagesWithFilters() {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Job job = queued(T0.plusSeconds(i));
      store.insert(job);
      jobs.add(job);
    }
    store.update(jobs.get(1).id(), j -> j.dispatchedTo("w1"));
    store.update(jobs.get(3).id(), j -> j.dispatchedTo("w2"));

    Page first = store.list(new JobQuery(null, null, null, 2, null));
    assertThat(first.jobs())
        .extracting(Job::id)
        .containsExactly(jobs.get(4).id(), jobs.get(3).id());
    Page second = store.list(new JobQuery(null, null, null, 2, first.nextCursor()));
    assertThat(second.jobs())
        .extracting(Job::id)
        .containsExactly(jobs.get(2).id(), jobs.get(1).id());
    Page last = store.list(new JobQuery(null, null, null, 2, second.nextCursor()));
    assertThat(last.jobs()).extracting(Job::id).containsExactly(jobs.get(0).id());
    assertThat(last.nextCursor()).isNull();

    assertThat(store.list(new JobQuery(JobStatus.DISPATCHED, null, null, 10, null)).jobs())
        .extracting(Job::id)
        .containsExactly(jobs.get(3).id(), jobs.get(1).id());
    assertThat(store.list(new JobQuery(null, "w1", null, 10, null)).jobs())
        .extracting(Job::id)
        .containsExactly(jobs.get(1).id());
    assertThat(store.list(new JobQuery(null, null, T0.plusSeconds(3), 10, null)).jobs())
        .extracting(Job::id)
        .containsExactly(jobs.get(4).id(), jobs.get(3).id());
    assertThatThrownBy(() -> store.list(new JobQuery(null, null, null, 2, "not-a-cursor")))
        .isInstanceOf(InvalidCursorException.class);
  }

  @Test
  void filtersByTimeRangeAndTextInTheCommandLineButNeverInTheEnvironment() {
    Job backup =
        Job.queued(
            "job-backup",
            new JobSpec(
                null,
                "/usr/bin/Backup",
                List.of("--target", "50%_done"),
                Map.of("SECRET", "hunter2"),
                null,
                null,
                0,
                null,
                false),
            T0);
    Job echo = queued(T0.plusSeconds(10));
    store.insert(backup);
    store.insert(echo);

    assertThat(list(new JobQuery(null, null, null, null, "BACKUP --tar", 10, null, null)))
        .containsExactly(backup.id());
    // LIKE's wildcards are matched as themselves
    assertThat(list(new JobQuery(null, null, null, null, "50%_d", 10, null, null)))
        .containsExactly(backup.id());
    assertThat(list(new JobQuery(null, null, null, null, "5%d", 10, null, null))).isEmpty();
    assertThat(list(new JobQuery(null, null, null, null, "hunter2", 10, null, null))).isEmpty();
    assertThat(list(new JobQuery(null, null, null, T0.plusSeconds(10), null, 10, null, null)))
        .containsExactly(backup.id());
    assertThat(
            list(
                new JobQuery(
                    null, null, T0.plusSeconds(1), T0.plusSeconds(11), "echo", 10, null, null)))
        .containsExactly(echo.id());
  }

  private List<String> list(JobQuery query) {
    return store.list(query).jobs().stream().map(Job::id).toList();
  }

  @Test
  void walksUnfinishedJobsOldestFirst() {
    Job a = queued(T0);
    Job b = queued(T0);
    Job c = queued(T0);
    store.insert(a);
    store.insert(b);
    store.insert(c);
    store.update(b.id(), j -> j.finished(JobStatus.CANCELLED, JobOutcome.error("cancelled"), T0));
    store.update(c.id(), j -> j.dispatchedTo("w"));

    List<UnfinishedJob> unfinished = new ArrayList<>();
    store.forEachUnfinished(unfinished::add);
    assertThat(unfinished).extracting(UnfinishedJob::id).containsExactly(a.id(), c.id());
    assertThat(unfinished.get(1))
        .isEqualTo(new UnfinishedJob(c.id(), JobStatus.DISPATCHED, "w", 1));
    assertThat(store.countUnfinished()).isEqualTo(2);
  }

  @Test
  void deletesJobsFinishedBeforeTheCutoffWithTheirHistoryAndKeys() throws Exception {
    Job old = queued(T0);
    Job recent = queued(T0);
    Job running = queued(T0);
    store.insert(old, new IdempotencyKey("old-key", "fp"));
    store.insert(recent);
    store.insert(running);
    store.update(
        old.id(), j -> j.finished(JobStatus.CANCELLED, JobOutcome.error("x"), T0.plusSeconds(1)));
    store.update(
        recent.id(),
        j -> j.finished(JobStatus.CANCELLED, JobOutcome.error("x"), T0.plusSeconds(100)));
    store.update(running.id(), j -> j.dispatchedTo("w"));

    assertThat(store.deleteFinishedBefore(T0.plusSeconds(50))).containsExactly(old.id());
    assertThat(store.find(old.id())).isEmpty();
    assertThat(store.history(old.id())).isEmpty();
    assertThat(store.find(recent.id())).isPresent();
    assertThat(store.find(running.id())).isPresent();
    Job again = queued(T0);
    assertThat(store.insert(again, new IdempotencyKey("old-key", "other"))).isSameAs(again);
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void listsJobsWithoutTheirOutputButWithItsSize() throws Exception {
    Job job = queued(T0);
    store.insert(job);
    store.update(job.id(), j -> j.dispatchedTo("w"));
    store.update(
        job.id(),
        j -> j.finished(JobStatus.SUCCEEDED, JobOutcome.of(0, new byte[] {1, 2, 3}, ""), T0));
    Job listed = store.list(new JobQuery(null, null, null, 10, null)).jobs().get(0);
    assertThat(listed.outcome().stdout()).isEmpty();
    assertThat(listed.outcome().stdoutBytes()).isEqualTo(3);
    assertThat(store.find(job.id()).orElseThrow().outcome().stdout()).containsExactly(1, 2, 3);
  }
}
