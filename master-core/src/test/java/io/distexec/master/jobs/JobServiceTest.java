package io.distexec.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.MutableClock;
import io.distexec.master.scheduling.JobQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JobServiceTest {

  private final InMemoryJobStore store = new InMemoryJobStore();
  private final JobQueue queue = new JobQueue(2);
  private final AtomicInteger wakeUps = new AtomicInteger();
  private final MutableClock clock = new MutableClock();
  private final JobEvents events = new JobEvents(1024, clock);
  private final JobService service =
      new JobService(
          store,
          queue,
          new JobValidator(() -> Set.of("command")),
          wakeUps::incrementAndGet,
          (id, reason) -> {},
          events,
          clock);

  @Test
  void storesAndQueuesAnAcceptedJobBeforeReturningIt() throws Exception {
    Job job = service.submit(JobSpec.command("echo", "hello", "world"));
    assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(store.find(job.id())).contains(job);
    assertThat(queue.lane("command", 10)).containsExactly(job.id());
    assertThat(wakeUps).hasValue(1);
  }

  @Test
  void rejectsJobWithEmptyCommand() {
    assertThatThrownBy(() -> service.submit(JobSpec.command("")))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> assertThat(e.violations()).extracting(v -> v.field()).containsExactly("command"));
    assertThat(queue.unfinished()).isZero();
  }

  @Test
  void rejectsARelativeWorkdirANegativeTimeoutAndABadEnvNameAtOnce() {
    JobSpec spec =
        new JobSpec(
            null, "ls", List.of(), Map.of("BAD-NAME", "x"), "tmp", null, -1, Map.of(), false);
    assertThatThrownBy(() -> service.submit(spec))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e ->
                assertThat(e.violations())
                    .extracting(v -> v.field())
                    .containsExactlyInAnyOrder("workdir", "timeoutSeconds", "env.BAD-NAME"));
  }

  @Test
  void rejectsATypeNoWorkerCanRun() {
    JobSpec spec = new JobSpec("docker", "x", List.of(), Map.of(), null, null, 0, Map.of(), false);
    assertThatThrownBy(() -> service.submit(spec))
        .hasMessageContaining("type: no registered worker has an executor named 'docker'");
  }

  /** No worker registered (an autoscaler at zero): the job waits for workers, who decide. */
  @Test
  void acceptsAnyTypeWhileNoWorkerIsRegistered() throws Exception {
    JobSpec spec = new JobSpec("docker", "x", List.of(), Map.of(), null, null, 0, Map.of(), false);
    new JobValidator(Set::of).validate(spec);
  }

  @Test
  void refusesJobsBeyondMaxConcurrentJobsWithoutStoringThem() throws Exception {
    service.submit(JobSpec.command("true"));
    service.submit(JobSpec.command("true"));
    assertThatThrownBy(() -> service.submit(JobSpec.command("true")))
        .isInstanceOf(QueueFullException.class)
        .hasMessageContaining("MAX_CONCURRENT_JOBS");
    assertThat(store.list(JobQuery.first(null, 10)).jobs()).hasSize(2);
  }

  private static JobService.Request request(String command, String... args) {
    return new JobService.Request(JobSpec.command(command, args), RetryPolicy.NONE);
  }

  @Test
  void storesAndQueuesABatchInItsOrder() throws Exception {
    List<JobService.Submitted> batch =
        service.submitAll(List.of(request("echo", "1"), request("echo", "2")), null, "alice");
    assertThat(batch)
        .extracting(b -> b.job().spec().args())
        .containsExactly(List.of("1"), List.of("2"));
    assertThat(batch).allSatisfy(b -> assertThat(b.replayed()).isFalse());
    assertThat(batch).allSatisfy(b -> assertThat(b.job().owner()).isEqualTo("alice"));
    assertThat(batch).allSatisfy(b -> assertThat(store.find(b.job().id())).contains(b.job()));
    assertThat(queue.lane("command", 10))
        .containsExactly(batch.get(0).job().id(), batch.get(1).job().id());
  }

  @Test
  void refusesAWholeBatchForOneBadJobNamingItsPlace() {
    assertThatThrownBy(
            () ->
                service.submitAll(
                    List.of(request("echo", "1"), request(""), request("echo", "3")), null, null))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e ->
                assertThat(e.violations())
                    .extracting(v -> v.field())
                    .containsExactly("jobs[1].command"));
    assertThat(store.countUnfinished()).isZero();
    assertThat(queue.unfinished()).isZero();
  }

  @Test
  void boundsABatchAndTheViolationsItNames() {
    assertThatThrownBy(() -> service.submitAll(List.of(), null, null))
        .hasMessageContaining("jobs: must hold from 1 to 1000 jobs, got 0");
    List<JobService.Request> tooMany = new ArrayList<>();
    for (int i = 0; i <= JobLimits.MAX_BATCH_JOBS; i++) {
      tooMany.add(request("true"));
    }
    assertThatThrownBy(() -> service.submitAll(tooMany, null, null))
        .hasMessageContaining("got 1001");
    List<JobService.Request> allBad = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      allBad.add(request(""));
    }
    assertThatThrownBy(() -> service.submitAll(allBad, null, null))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> assertThat(e.violations()).hasSize(JobService.MAX_VIOLATIONS_SHOWN));
  }

  @Test
  void refusesABatchTheQueueHasNoRoomForAndStoresNoneOfIt() throws Exception {
    service.submit(JobSpec.command("true"));
    assertThatThrownBy(() -> service.submitAll(List.of(request("a"), request("b")), null, null))
        .isInstanceOf(QueueFullException.class);
    assertThat(store.countUnfinished()).isEqualTo(1);
    // Every permit the batch took was given back: one more job fits.
    service.submit(JobSpec.command("true"));
  }

  @Test
  void aRepeatedBatchReturnsItsJobsAndADifferentOneWithTheKeyIsRefused() throws Exception {
    // Room for the repeat's permits, which are taken before the keys are looked up.
    JobQueue queue = new JobQueue(10);
    JobService service =
        new JobService(
            store,
            queue,
            new JobValidator(() -> Set.of("command")),
            () -> {},
            (id, reason) -> {},
            events,
            clock);
    List<JobService.Request> jobs = List.of(request("echo", "1"), request("echo", "2"));
    List<JobService.Submitted> first = service.submitAll(jobs, "nightly", "alice");
    List<JobService.Submitted> again = service.submitAll(jobs, "nightly", "alice");
    assertThat(again)
        .extracting(b -> b.job().id())
        .containsExactlyElementsOf(first.stream().map(b -> b.job().id()).toList());
    assertThat(again).allSatisfy(b -> assertThat(b.replayed()).isTrue());
    assertThat(queue.unfinished()).isEqualTo(2);
    assertThatThrownBy(
            () ->
                service.submitAll(
                    List.of(request("echo", "1"), request("echo", "changed")), "nightly", "alice"))
        .isInstanceOfSatisfying(
            IdempotencyConflictException.class,
            e -> assertThat(e.getMessage()).contains("nightly"));
    assertThat(store.countUnfinished()).isEqualTo(2);
  }

  @Test
  void listsNewestFirstFilteredAndBounded() throws Exception {
    Job first = service.submit(JobSpec.command("true"));
    Job second = service.submit(JobSpec.command("true"));
    store.update(
        first.id(),
        j -> j.dispatchedTo("w").finished(JobStatus.FAILED, JobOutcome.error("x"), j.createdAt()));
    assertThat(service.list(JobQuery.first(null, 0)).jobs())
        .extracting(Job::id)
        .containsExactly(second.id(), first.id());
    assertThat(service.list(JobQuery.first(JobStatus.FAILED, 10)).jobs())
        .extracting(Job::id)
        .containsExactly(first.id());
    assertThat(service.list(JobQuery.first(null, 1)).jobs()).hasSize(1);
    assertThat(store.countUnfinished()).isEqualTo(1);
  }

  /** A service that takes up to 100 unfinished jobs. */
  private JobService roomy() {
    return new JobService(
        store,
        new JobQueue(100),
        new JobValidator(() -> Set.of("command")),
        () -> {},
        (id, reason) -> {},
        events,
        clock);
  }

  @Test
  void passesEveryFilterToTheStoreTheTimeRangeAndTheTextToo() throws Exception {
    JobService roomy = roomy();
    Job other = roomy.submit(JobSpec.command("true"));
    Job backup = roomy.submit(JobSpec.command("backup", "--all"));
    assertThat(roomy.list(new JobQuery(null, null, null, null, "BACKUP --a", 0, null, null)).jobs())
        .extracting(Job::id)
        .containsExactly(backup.id());
    assertThat(
            roomy
                .list(new JobQuery(null, null, null, backup.createdAt(), null, 0, null, null))
                .jobs())
        .extracting(Job::id)
        .doesNotContain(backup.id(), other.id());
  }

  @Test
  void pagesThroughJobsWithACursorAndFilters() throws Exception {
    JobService roomy = roomy();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(roomy.submit(JobSpec.command("true")).id());
    }
    store.update(ids.get(1), j -> j.dispatchedTo("w2"));
    Page first = roomy.list(new JobQuery(null, null, null, 2, null));
    assertThat(first.jobs()).extracting(Job::id).containsExactly(ids.get(4), ids.get(3));
    Page second = roomy.list(new JobQuery(null, null, null, 2, first.nextCursor()));
    assertThat(second.jobs()).extracting(Job::id).containsExactly(ids.get(2), ids.get(1));
    Page last = roomy.list(new JobQuery(null, null, null, 2, second.nextCursor()));
    assertThat(last.jobs()).extracting(Job::id).containsExactly(ids.get(0));
    assertThat(last.nextCursor()).isNull();
    assertThat(roomy.list(new JobQuery(null, "w2", null, 10, null)).jobs())
        .extracting(Job::id)
        .containsExactly(ids.get(1));
    assertThatThrownBy(() -> roomy.list(new JobQuery(null, null, null, 2, "garbage")))
        .isInstanceOf(InvalidCursorException.class);
  }

  @Test
  void returnsTheFirstJobForARepeatedIdempotencyKeyAndRefusesADifferentRequest() throws Exception {
    JobService.Submitted first =
        service.submit(JobSpec.command("deploy", "v2"), RetryPolicy.NONE, "key-1");
    JobService.Submitted again =
        service.submit(JobSpec.command("deploy", "v2"), RetryPolicy.NONE, "key-1");
    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.job().id()).isEqualTo(first.job().id());
    assertThat(store.list(JobQuery.first(null, 10)).jobs()).hasSize(1);
    assertThat(queue.unfinished()).isEqualTo(1);
    assertThatThrownBy(
            () -> service.submit(JobSpec.command("deploy", "v3"), RetryPolicy.NONE, "key-1"))
        .isInstanceOf(IdempotencyConflictException.class)
        .hasMessageContaining("Idempotency-Key 'key-1' was used for a different request");
    assertThatThrownBy(
            () ->
                service.submit(
                    JobSpec.command("deploy", "v2"), new RetryPolicy(2, Set.of()), "key-1"))
        .isInstanceOf(IdempotencyConflictException.class);
  }

  @Test
  void checksTheRetryPolicy() {
    assertThatThrownBy(
            () -> service.submit(JobSpec.command("true"), new RetryPolicy(0, Set.of(300)), null))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e ->
                assertThat(e.violations())
                    .extracting(v -> v.field())
                    .containsExactlyInAnyOrder("maxAttempts", "retryOnExitCodes"));
  }

  @Test
  void forgetsFinishedJobsAfterTheRetentionTimeWithTheirKeys() throws Exception {
    Job old = service.submit(JobSpec.command("true"), RetryPolicy.NONE, "old-key").job();
    store.update(
        old.id(),
        j -> j.dispatchedTo("w").finished(JobStatus.SUCCEEDED, JobOutcome.NONE, clock.instant()));
    queue.release(old.id()); // what the dispatcher does when a job ends
    clock.advance(Duration.ofHours(2));
    Job running = service.submit(JobSpec.command("true"));
    assertThat(service.forgetFinishedBefore(clock.instant().minus(Duration.ofHours(1))))
        .isEqualTo(1);
    assertThat(store.find(old.id())).isEmpty();
    assertThat(store.find(running.id())).isPresent(); // unfinished jobs stay, however old
    assertThat(store.history(old.id())).isEmpty();
    // The key is free again.
    assertThat(service.submit(JobSpec.command("other"), RetryPolicy.NONE, "old-key").replayed())
        .isFalse();
  }

  @Test
  void refusesAnOverlongIdempotencyKeyAsBadInput() {
    assertThatThrownBy(
            () -> service.submit(JobSpec.command("true"), RetryPolicy.NONE, "k".repeat(256)))
        .isInstanceOf(InvalidJobException.class)
        .hasMessage("Idempotency-Key: must be at most 255 characters, got 256");
    assertThat(queue.unfinished()).isZero();
  }

  @Test
  void saysWhichIdIsUnknown() {
    assertThatThrownBy(() -> service.get("nope"))
        .isInstanceOf(JobNotFoundException.class)
        .hasMessage("no job with id nope");
  }
}
