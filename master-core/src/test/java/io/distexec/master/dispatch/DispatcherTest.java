package io.distexec.master.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.master.MutableClock;
import io.distexec.master.balancing.LeastConnectionsBalancer;
import io.distexec.master.dispatch.AttemptEvent.Failure;
import io.distexec.master.jobs.InMemoryJobStore;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobValidator;
import io.distexec.master.jobs.PublishingJobStore;
import io.distexec.master.jobs.RetryPolicy;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.registry.Registration;
import io.distexec.master.scheduling.JobQueue;
import io.distexec.master.scheduling.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher with scripted workers and a clock the test moves: the retry schedule and why a job
 * waits, without the network and without waiting out backoffs.
 */
class DispatcherTest {

  private final MutableClock clock = new MutableClock();
  private final JobEvents events = new JobEvents(1024, clock);
  private final PublishingJobStore store =
      new PublishingJobStore(new InMemoryJobStore(clock), events);
  private final JobQueue queue = new JobQueue(200);
  private final NodeRegistry registry = new NodeRegistry(clock, Duration.ofSeconds(15));
  private final ScriptedWorkerPort workers = new ScriptedWorkerPort();
  private final Dispatcher dispatcher =
      new Dispatcher(
          store,
          queue,
          registry,
          new Scheduler(new LeastConnectionsBalancer()),
          workers,
          events,
          clock);
  private final JobService jobs =
      new JobService(
          store,
          queue,
          new JobValidator(() -> Set.of("command", "gpu")),
          dispatcher::wake,
          dispatcher::cancel,
          events,
          clock,
          dispatcher::waiting);
  private final ExecutorService loop = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    dispatcher.close();
    loop.shutdownNow();
  }

  private void register(String id, int slots) {
    registry.register(new Registration(id, "addr-" + id, "", slots, Set.of("command"), Map.of()));
  }

  private ScriptedWorkerPort.Sent awaitSent(int count) {
    await().atMost(Duration.ofSeconds(5)).until(() -> workers.sent().size() >= count);
    return workers.sent().get(count - 1);
  }

  /** Nothing more is sent while the clock stands still, however long the loop runs. */
  private void assertNothingMoreSentThan(int count) {
    dispatcher.wake();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> workers.sent().size() == count);
  }

  private static AttemptEvent broken() {
    return new AttemptEvent.Failed(Failure.BROKEN, "UNAVAILABLE", "connection reset");
  }

  @Test
  void retriesOnlyOnceTheBackoffHasPassedOnTheClockDoublingEachTime() throws Exception {
    register("w1", 2);
    dispatcher.start(loop);
    Job job = jobs.submit(JobSpec.command("make"), new RetryPolicy(3, Set.of()), null).job();

    awaitSent(1).reply(new AttemptEvent.Started(clock.instant()), broken());
    assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertNothingMoreSentThan(1);
    clock.advance(Duration.ofMillis(999));
    assertNothingMoreSentThan(1);
    clock.advance(Duration.ofMillis(1));
    dispatcher.wake();
    assertThat(awaitSent(2).request().attempt()).isEqualTo(2);

    workers.sent().get(1).reply(new AttemptEvent.Started(clock.instant()), broken());
    clock.advance(Duration.ofMillis(1999));
    assertNothingMoreSentThan(2);
    clock.advance(Duration.ofMillis(1));
    dispatcher.wake();
    awaitSent(3)
        .reply(
            new AttemptEvent.Started(clock.instant()),
            new AttemptEvent.Finished(JobStatus.SUCCEEDED, JobOutcome.of(0, new byte[0], "")),
            new AttemptEvent.Closed());
    assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(queue.unfinished()).isZero();
  }

  @Test
  void saysWhyAQueuedJobWaitsAndKeepsItCurrent() throws Exception {
    dispatcher.start(loop);
    Job job = jobs.submit(JobSpec.command("make"), new RetryPolicy(2, Set.of()), null).job();
    assertThat(jobs.waiting(job)).hasValue("no worker is registered");

    register("w1", 1);
    ScriptedWorkerPort.Sent first = awaitSent(1);
    Job second = jobs.submit(JobSpec.command("make"));
    assertThat(jobs.waiting(second)).hasValue("the only worker busy (1 of 1 slots)");
    assertThat(jobs.waiting(store.find(job.id()).orElseThrow()))
        .isEmpty(); // dispatched: it no longer waits

    registry.drain("w1");
    assertThat(jobs.waiting(second)).hasValue("w1 draining");

    first.reply(new AttemptEvent.Started(clock.instant()), broken());
    assertThat(jobs.waiting(store.find(job.id()).orElseThrow()))
        .hasValue(
            "attempt 1 lost: lost contact with worker w1: UNAVAILABLE (connection reset); next attempt in 1 s");
  }

  @Test
  void aHundredJobsNoWorkerCanTakeDoNotHoldUpOneThatCanRun() throws Exception {
    registry.register(new Registration("w-gpu", "addr-gpu", "", 1, Set.of("gpu"), Map.of()));
    registry.drain("w-gpu"); // its jobs stay queued: nobody can take them
    register("w1", 1);
    List<String> stuck = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      stuck.add(
          jobs.submit(new JobSpec("gpu", "train", null, null, null, null, 0, null, false)).id());
    }
    Job runnable = jobs.submit(JobSpec.command("echo", "my turn"));
    dispatcher.start(loop);

    assertThat(awaitSent(1).request().jobId()).isEqualTo(runnable.id());
    assertNothingMoreSentThan(1);
    assertThat(jobs.waiting(store.find(stuck.get(0)).orElseThrow()))
        .hasValue("w-gpu draining; 1 worker(s) without executor 'gpu'");
  }

  @Test
  void aCancelAskedBeforeTheStartReachesTheWorkerOnceItStarts() throws Exception {
    register("w1", 1);
    dispatcher.start(loop);
    Job job = jobs.submit(JobSpec.command("sleep", "100"));
    ScriptedWorkerPort.Sent sent = awaitSent(1);
    jobs.cancel(job.id(), "changed my mind");
    sent.reply(new AttemptEvent.Started(clock.instant()));
    assertThat(workers.cancels()).contains(sent.request().taskId() + ": changed my mind");
  }

  @Test
  void aStandbyTakesNoAnnouncedJobUntilItLeadsThenFollowsEveryUnfinishedJobAndStopsCleanly()
      throws Exception {
    // Another master leads: it stores jobs and dispatches one; this master only hears of them.
    Job queued =
        Job.queued("queued", JobSpec.command("make"), RetryPolicy.NONE, clock.instant(), "u");
    Job onWorker =
        Job.queued("running", JobSpec.command("make"), RetryPolicy.NONE, clock.instant(), "u");
    store.insert(queued);
    store.insert(onWorker);
    dispatcher.queuedElsewhere("queued", "command");
    dispatcher.queuedElsewhere("running", "command");
    store.update("running", j -> j.dispatchedTo("w1").running(clock.instant()));
    assertThat(queue.unfinished()).isZero(); // a standby holds no job
    assertThat(dispatcher.acceptsWorkers()).isFalse();

    // It takes over: the queued job is dispatched, the one on w1 waits for w1 to come back.
    dispatcher.lead(loop, Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(5)).until(dispatcher::acceptsWorkers);
    register("w1", 2);
    dispatcher.reconcile("w1", List.of("running#1"));
    awaitSent(1);
    assertThat(workers.sent().get(0).request().jobId()).isEqualTo("queued");
    assertThat(workers.attached()).containsExactly("running#1");
    assertThat(queue.unfinished()).isEqualTo(2);

    // It loses the lease: everything it knew goes, without a write, and workers must come back.
    dispatcher.stopLeading();
    assertThat(dispatcher.acceptsWorkers()).isFalse();
    assertThat(queue.unfinished()).isZero();
    assertThat(registry.snapshot()).isEmpty();
    assertThat(store.find("queued").orElseThrow().status()).isEqualTo(JobStatus.DISPATCHED);
    dispatcher.queuedElsewhere("later", "command");
    assertThat(queue.unfinished()).isZero();
  }
}
