package io.distexec.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.distexec.master.MutableClock;
import io.distexec.master.balancing.LeastConnectionsBalancer;
import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.jobs.InMemoryJobStore;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobAlreadyEndedException;
import io.distexec.master.jobs.JobEvents;
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
import io.distexec.proto.v1.AttachTaskRequest;
import io.distexec.proto.v1.CancelTaskRequest;
import io.distexec.proto.v1.CancelTaskResponse;
import io.distexec.proto.v1.ExecuteTaskRequest;
import io.distexec.proto.v1.OutputChunk;
import io.distexec.proto.v1.OutputStream;
import io.distexec.proto.v1.TaskEvent;
import io.distexec.proto.v1.TaskOutcome;
import io.distexec.proto.v1.TaskResult;
import io.distexec.proto.v1.TaskStarted;
import io.distexec.proto.v1.WorkerServiceGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher against scripted workers over in-process gRPC: real calls and streams, workers
 * whose behaviour each test chooses (answer, refuse, hang).
 */
class DispatcherOverGrpcTest {

  private final MutableClock clock = new MutableClock();
  private final JobEvents events = new JobEvents(1024, clock);
  private final FailingOnceJobStore flaky = new FailingOnceJobStore(new InMemoryJobStore());
  private final PublishingJobStore store = new PublishingJobStore(flaky, events);
  private final JobQueue queue = new JobQueue(100);
  private final NodeRegistry registry = new NodeRegistry(clock, Duration.ofSeconds(15));
  private final Map<String, ScriptedWorker> workers = new ConcurrentHashMap<>();
  private final List<Server> servers = new CopyOnWriteArrayList<>();
  private final WorkerChannels channels =
      new WorkerChannels(
          address -> InProcessChannelBuilder.forName(address).directExecutor().build());
  private final Dispatcher dispatcher =
      new Dispatcher(
          store,
          queue,
          registry,
          new Scheduler(new LeastConnectionsBalancer()),
          new GrpcWorkerPort(channels, () -> 1),
          events,
          clock);
  private final JobService jobs =
      new JobService(
          store,
          queue,
          new JobValidator(() -> Set.of("command")),
          dispatcher::wake,
          dispatcher::cancel,
          events,
          clock);
  private final ExecutorService loop = Executors.newSingleThreadExecutor();

  /** A stand-in for a worker's WorkerService, scripted per test; not a real worker. */
  static final class ScriptedWorker extends WorkerServiceGrpc.WorkerServiceImplBase {
    enum Mode {
      SUCCEED,
      REFUSE_BUSY,
      REFUSE_TOO_LARGE,
      HANG,
      PRINT_AND_HANG,
      EXIT_75
    }

    volatile Mode mode = Mode.SUCCEED;
    final List<String> cancelled = new CopyOnWriteArrayList<>();

    @Override
    public void cancelTask(CancelTaskRequest request, StreamObserver<CancelTaskResponse> response) {
      cancelled.add(request.getTaskId() + ": " + request.getReason());
      for (StreamObserver<TaskEvent> events : hanging) {
        events.onNext(
            TaskEvent.newBuilder()
                .setResult(
                    TaskResult.newBuilder()
                        .setOutcome(TaskOutcome.TASK_OUTCOME_CANCELLED)
                        .setError("cancelled: " + request.getReason()))
                .build());
        events.onCompleted();
      }
      hanging.clear();
      response.onNext(CancelTaskResponse.getDefaultInstance());
      response.onCompleted();
    }

    final List<ExecuteTaskRequest> received = new CopyOnWriteArrayList<>();
    final List<StreamObserver<TaskEvent>> hanging = new CopyOnWriteArrayList<>();

    /** Tasks this worker "ran for the previous master": AttachTask answers them with a result. */
    final Set<String> ranBefore = ConcurrentHashMap.newKeySet();

    @Override
    public void attachTask(AttachTaskRequest request, StreamObserver<TaskEvent> events) {
      if (!ranBefore.contains(request.getTaskId())) {
        events.onError(Status.NOT_FOUND.withDescription("unknown task").asRuntimeException());
        return;
      }
      events.onNext(TaskEvent.newBuilder().setStarted(TaskStarted.getDefaultInstance()).build());
      events.onNext(result("finished while the master was away: " + request.getTaskId()));
      events.onCompleted();
    }

    @Override
    public void executeTask(ExecuteTaskRequest request, StreamObserver<TaskEvent> events) {
      received.add(request);
      switch (mode) {
        case REFUSE_BUSY ->
            events.onError(Status.RESOURCE_EXHAUSTED.withDescription("busy").asRuntimeException());
        case REFUSE_TOO_LARGE ->
            // What grpc-java answers for a message over the receiver's maxInboundMessageSize.
            events.onError(
                Status.RESOURCE_EXHAUSTED
                    .withDescription("gRPC message exceeds maximum size 4194304: 12582933")
                    .asRuntimeException());
        case HANG -> {
          events.onNext(
              TaskEvent.newBuilder().setStarted(TaskStarted.getDefaultInstance()).build());
          hanging.add(events);
        }
        case PRINT_AND_HANG -> {
          events.onNext(
              TaskEvent.newBuilder().setStarted(TaskStarted.getDefaultInstance()).build());
          events.onNext(
              TaskEvent.newBuilder()
                  .setOutput(
                      OutputChunk.newBuilder()
                          .setStream(OutputStream.OUTPUT_STREAM_STDOUT)
                          .setData(ByteString.copyFromUtf8("so far\n")))
                  .build());
          hanging.add(events);
        }
        case EXIT_75 -> {
          events.onNext(
              TaskEvent.newBuilder().setStarted(TaskStarted.getDefaultInstance()).build());
          events.onNext(
              TaskEvent.newBuilder()
                  .setResult(
                      TaskResult.newBuilder()
                          .setOutcome(TaskOutcome.TASK_OUTCOME_FAILED)
                          .setExitCode(75)
                          .setError("exited with code 75"))
                  .build());
          events.onCompleted();
          mode = Mode.SUCCEED; // the next attempt succeeds
        }
        case SUCCEED -> {
          events.onNext(
              TaskEvent.newBuilder().setStarted(TaskStarted.getDefaultInstance()).build());
          events.onNext(result("ok from " + request.getJobId()));
          events.onCompleted();
        }
      }
    }

    static TaskEvent result(String stdout) {
      return TaskEvent.newBuilder()
          .setResult(
              TaskResult.newBuilder()
                  .setOutcome(TaskOutcome.TASK_OUTCOME_SUCCEEDED)
                  .setExitCode(0)
                  .setStdout(ByteString.copyFromUtf8(stdout)))
          .build();
    }
  }

  private final Map<String, Server> serverOf = new ConcurrentHashMap<>();

  private ScriptedWorker startWorker(String id) throws Exception {
    ScriptedWorker worker = new ScriptedWorker();
    String address = "inproc-" + id + "-" + InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(address).directExecutor().addService(worker).build().start();
    servers.add(server);
    serverOf.put(id, server);
    workers.put(id, worker);
    registry.register(new Registration(id, address, "", 2, Set.of("command"), Map.of()));
    return worker;
  }

  private void startDispatcher() {
    dispatcher.start(loop);
  }

  @AfterEach
  void stop() {
    dispatcher.close();
    loop.shutdownNow();
    channels.close();
    servers.forEach(Server::shutdownNow);
  }

  /**
   * Waits for the job to end, moving the test's clock a second on at each look: retry backoffs and
   * the restart grace period run on that clock, so they pass without the test sleeping.
   */
  private Job awaitEndOnMovingClock(String id) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              clock.advance(Duration.ofSeconds(1));
              dispatcher.wake();
              return store.find(id).orElseThrow();
            },
            j -> j.status().isTerminal());
  }

  private Job awaitStatus(String id, JobStatus status) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.find(id).orElseThrow().status() == status);
    return store.find(id).orElseThrow();
  }

  @Test
  void runsAJobOnAWorkerAndStoresItsResult() throws Exception {
    ScriptedWorker worker = startWorker("w1");
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("echo", "hi"));
    Job done = awaitStatus(job.id(), JobStatus.SUCCEEDED);
    assertThat(new String(done.outcome().stdout())).isEqualTo("ok from " + job.id());
    assertThat(done.workerId()).isEqualTo("w1");
    assertThat(worker.received)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getTaskId()).isEqualTo(job.id() + "#1");
              assertThat(r.getSpec().getCommand()).isEqualTo("echo");
            });
    await().until(() -> queue.unfinished() == 0);
  }

  @Test
  void aStoreErrorWhileRecordingTheStartLeavesTheTaskRunningToItsResult() throws Exception {
    ScriptedWorker worker = startWorker("w1");
    startDispatcher();
    flaky.failNextMoveTo(JobStatus.RUNNING);
    Job job = jobs.submit(JobSpec.command("echo", "hi"));
    Job done = awaitStatus(job.id(), JobStatus.SUCCEEDED);
    assertThat(new String(done.outcome().stdout())).isEqualTo("ok from " + job.id());
    assertThat(worker.cancelled).isEmpty();
  }

  @Test
  void keepsJobsQueuedUntilAWorkerRegisters() throws Exception {
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("true"));
    assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    startWorker("late");
    awaitStatus(job.id(), JobStatus.SUCCEEDED);
  }

  @Test
  void keepsTheOutputOfARunningJobUntilItEnds() throws Exception {
    ScriptedWorker worker = startWorker("w1");
    worker.mode = ScriptedWorker.Mode.PRINT_AND_HANG;
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("sleep", "100"));
    await().atMost(Duration.ofSeconds(10)).until(() -> events.output(job.id()).isPresent());
    assertThat(new String(events.output(job.id()).orElseThrow().stdout())).isEqualTo("so far\n");
    worker.hanging.get(0).onNext(ScriptedWorker.result("final"));
    worker.hanging.get(0).onCompleted();
    awaitStatus(job.id(), JobStatus.SUCCEEDED);
    List<JobEvents.Event> seen = new ArrayList<>();
    events.watch(
        job.id(),
        0,
        new JobEvents.Watcher() {
          @Override
          public void event(JobEvents.Event event) {
            seen.add(event);
          }

          @Override
          public void end() {}
        });
    assertThat(seen)
        .extracting(e -> e instanceof JobEvents.StateEvent s ? s.status().name() : "output")
        .containsExactly("QUEUED", "DISPATCHED", "RUNNING", "output", "SUCCEEDED");
  }

  @Test
  void cancelsAQueuedJobAtOnceAndARunningOneOnItsWorker() throws Exception {
    startDispatcher();
    Job queued = jobs.submit(JobSpec.command("true"));
    assertThat(jobs.cancel(queued.id(), "not needed").status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(queue.unfinished()).isZero();

    ScriptedWorker worker = startWorker("w1");
    worker.mode = ScriptedWorker.Mode.HANG;
    Job running = jobs.submit(JobSpec.command("sleep", "100"));
    awaitStatus(running.id(), JobStatus.RUNNING);
    jobs.cancel(running.id(), "user asked");
    Job cancelled = awaitStatus(running.id(), JobStatus.CANCELLED);
    assertThat(cancelled.outcome().error()).isEqualTo("cancelled: user asked");
    assertThat(worker.cancelled).containsExactly(running.id() + "#1: user asked");
    Assertions.assertThatThrownBy(() -> jobs.cancel(running.id(), "again"))
        .isInstanceOf(JobAlreadyEndedException.class)
        .hasMessage("job " + running.id() + " has already ended CANCELLED");
  }

  @Test
  void cancelReachesTheWorkerEvenWhenAskedFromAGrpcCallThatHasEnded() throws Exception {
    // A CancelJob call's context is cancelled once it has answered; the cancel must outlive it.
    ScriptedWorker worker = startWorker("w1");
    worker.mode = ScriptedWorker.Mode.HANG;
    startDispatcher();
    Job running = jobs.submit(JobSpec.command("sleep", "100"));
    awaitStatus(running.id(), JobStatus.RUNNING);
    io.grpc.Context.CancellableContext ended = io.grpc.Context.current().withCancellation();
    ended.cancel(null);
    ended.run(
        () -> {
          try {
            jobs.cancel(running.id(), "from a finished call");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(awaitStatus(running.id(), JobStatus.CANCELLED).outcome().error())
        .isEqualTo("cancelled: from a finished call");
  }

  @Test
  void retriesTheJobOfADeadWorkerOnAnotherWhileAttemptsRemain() throws Exception {
    ScriptedWorker dying = startWorker("a-dying");
    dying.mode = ScriptedWorker.Mode.HANG;
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("make"), new RetryPolicy(2, Set.of()), null).job();
    awaitStatus(job.id(), JobStatus.RUNNING);
    startWorker("b-healthy");
    clock.advance(Duration.ofSeconds(16));
    registry.heartbeat("b-healthy", 0, false);
    registry.expire(); // a-dying is dead; its attempt is retried after a 1 s backoff
    awaitStatus(job.id(), JobStatus.QUEUED);
    registry.heartbeat("b-healthy", 0, false);
    Job done = awaitEndOnMovingClock(job.id());
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(done.workerId()).isEqualTo("b-healthy");
    assertThat(store.history(job.id()))
        .extracting(e -> e.status().name())
        .containsExactly(
            "QUEUED", "DISPATCHED", "RUNNING", "QUEUED", "DISPATCHED", "RUNNING", "SUCCEEDED");
    assertThat(store.history(job.id()).get(3).error())
        .isEqualTo("attempt 1 lost: worker a-dying missed heartbeats for 15 s; retrying in 1 s");
    await().until(() -> queue.unfinished() == 0);
  }

  @Test
  void doesNotSendARetryBackToAKilledWorkerThatIsStillRegistered() throws Exception {
    ScriptedWorker doomed = startWorker("a-killed");
    doomed.mode = ScriptedWorker.Mode.HANG;
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("make"), new RetryPolicy(2, Set.of()), null).job();
    awaitStatus(job.id(), JobStatus.RUNNING);
    startWorker("b-alive");
    // kill -9: the connection drops at once, long before the heartbeat timeout removes the worker.
    serverOf.get("a-killed").shutdownNow();
    Job done = awaitEndOnMovingClock(job.id());
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.workerId()).isEqualTo("b-alive");
    assertThat(store.history(job.id()))
        .extracting(e -> e.status().name())
        .containsExactly(
            "QUEUED", "DISPATCHED", "RUNNING", "QUEUED", "DISPATCHED", "RUNNING", "SUCCEEDED");
  }

  @Test
  void endsTheJobLostWhenNoAttemptIsLeft() throws Exception {
    ScriptedWorker worker = startWorker("w1");
    worker.mode = ScriptedWorker.Mode.HANG;
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("make"));
    awaitStatus(job.id(), JobStatus.RUNNING);
    clock.advance(Duration.ofSeconds(16));
    registry.expire();
    assertThat(awaitStatus(job.id(), JobStatus.LOST).attempt()).isEqualTo(1);
  }

  @Test
  void retriesOnAListedExitCode() throws Exception {
    ScriptedWorker worker = startWorker("w1");
    worker.mode = ScriptedWorker.Mode.EXIT_75;
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("sync"), new RetryPolicy(3, Set.of(75)), null).job();
    Job done = awaitEndOnMovingClock(job.id());
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(2);
  }

  @Test
  void doesNotRetryAnExitCodeThatIsNotListed() throws Exception {
    ScriptedWorker worker = startWorker("w1");
    worker.mode = ScriptedWorker.Mode.EXIT_75;
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("sync"), new RetryPolicy(3, Set.of(1)), null).job();
    Job done =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> store.find(job.id()).orElseThrow(), j -> j.status().isTerminal());
    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.exitCode()).hasValue(75);
  }

  @Test
  void sendsARefusedJobToAnotherWorker() throws Exception {
    ScriptedWorker busy = startWorker("a-busy");
    busy.mode = ScriptedWorker.Mode.REFUSE_BUSY;
    startWorker("b-free");
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("true"));
    Job done = awaitStatus(job.id(), JobStatus.SUCCEEDED);
    assertThat(done.workerId()).isEqualTo("b-free");
    assertThat(done.attempt()).isEqualTo(1);
  }

  @Test
  void aTaskTooLargeForItsWorkerFailsTheJobInsteadOfComingBackForever() throws Exception {
    ScriptedWorker small = startWorker("w1");
    small.mode = ScriptedWorker.Mode.REFUSE_TOO_LARGE;
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("true"));
    Job failed = awaitStatus(job.id(), JobStatus.FAILED);
    assertThat(failed.outcome().error())
        .startsWith("the task is larger than its worker accepts (gRPC message exceeds maximum size")
        .endsWith("give the workers the master's MAX_JOB_SPEC_BYTES");
    assertThat(small.received).hasSize(1); // not requeued
    assertThat(registry.find("w1").orElseThrow().unreachable()).isFalse(); // not benched
    await().until(() -> queue.unfinished() == 0);
  }

  @Test
  void aStoreErrorWhileRecordingTheDispatchLeavesTheJobQueuedAndItRunsLater() throws Exception {
    startWorker("w1");
    flaky.failNextMoveTo(JobStatus.DISPATCHED);
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("true"));
    Job done = awaitStatus(job.id(), JobStatus.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(1);
    await().until(() -> queue.unfinished() == 0);
  }

  @Test
  void neverSendsAWorkerMoreThanItsSlots() throws Exception {
    ScriptedWorker worker = startWorker("w1");
    worker.mode = ScriptedWorker.Mode.HANG;
    startDispatcher();
    for (int i = 0; i < 5; i++) {
      jobs.submit(JobSpec.command("sleep", "1"));
    }
    await().until(() -> worker.received.size() == 2);
    assertThat(queue.waiting()).isEqualTo(3);
    assertThat(dispatcher.inFlight()).containsEntry("w1", 2);
  }

  @Test
  void endsTheJobsOfADeadWorkerLostWithTheReason() throws Exception {
    ScriptedWorker worker = startWorker("w1");
    worker.mode = ScriptedWorker.Mode.HANG;
    startDispatcher();
    Job job = jobs.submit(JobSpec.command("sleep", "100"));
    awaitStatus(job.id(), JobStatus.RUNNING);
    clock.advance(Duration.ofSeconds(16));
    registry.expire();
    Job lost = awaitStatus(job.id(), JobStatus.LOST);
    assertThat(lost.outcome().error()).isEqualTo("worker w1 missed heartbeats for 15 s");
    // A late result from the dead worker's attempt changes nothing.
    worker.hanging.forEach(
        events -> {
          try {
            events.onNext(ScriptedWorker.result("late"));
          } catch (RuntimeException ignored) {
            // the call is cancelled; the worker may not even be able to send
          }
        });
    assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.LOST);
    await().until(() -> queue.unfinished() == 0);
  }

  /** What a previous master left in the store: a job on a worker, in the given state. */
  private Job leftOn(String worker, JobStatus status, int maxAttempts) {
    Job job =
        Job.queued(
            UUID.randomUUID().toString(),
            JobSpec.command("true"),
            new RetryPolicy(maxAttempts, Set.of()),
            clock.instant());
    store.insert(job);
    store.update(job.id(), j -> j.dispatchedTo(worker));
    if (status == JobStatus.RUNNING) {
      store.update(job.id(), j -> j.running(clock.instant()));
    }
    return job;
  }

  @Test
  void afterARestartQueuesQueuedJobsAndReconcilesJobsOnWorkersWithWhatTheyReport()
      throws Exception {
    Job queued = Job.queued("queued", JobSpec.command("true"), clock.instant());
    store.insert(queued);
    Job finishedMeanwhile = leftOn("w1", JobStatus.RUNNING, 1);
    Job neverReceived = leftOn("w1", JobStatus.DISPATCHED, 1);
    Job forgotten = leftOn("w1", JobStatus.RUNNING, 1);

    assertThat(dispatcher.recover(Duration.ofMinutes(1))).isEqualTo(new Dispatcher.Recovered(1, 3));
    assertThat(queue.unfinished()).isEqualTo(4);
    startDispatcher();
    ScriptedWorker worker = startWorker("w1");
    worker.ranBefore.add(finishedMeanwhile.id() + "#1");
    dispatcher.reconcile("w1", List.of(finishedMeanwhile.id() + "#1", "unrelated#3"));

    Job followed = awaitStatus(finishedMeanwhile.id(), JobStatus.SUCCEEDED);
    assertThat(new String(followed.outcome().stdout()))
        .isEqualTo("finished while the master was away: " + finishedMeanwhile.id() + "#1");
    // Never started on the worker: back to the queue without using up its only attempt, then run.
    Job rerun = awaitStatus(neverReceived.id(), JobStatus.SUCCEEDED);
    assertThat(rerun.attempt()).isEqualTo(1);
    Job lost = awaitStatus(forgotten.id(), JobStatus.LOST);
    assertThat(lost.outcome().error())
        .isEqualTo(
            "worker w1 no longer knows the task (it restarted while the master" + " was away)");
    awaitStatus(queued.id(), JobStatus.SUCCEEDED);
    await().until(() -> queue.unfinished() == 0);
  }

  @Test
  void afterARestartRetriesTheJobsOfAWorkerThatDoesNotComeBack() throws Exception {
    Job retried = leftOn("gone", JobStatus.RUNNING, 2);
    Job lost = leftOn("gone", JobStatus.RUNNING, 1);
    dispatcher.recover(Duration.ofMillis(300));
    startWorker("w1");
    startDispatcher();

    Job done = awaitEndOnMovingClock(retried.id());
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(done.workerId()).isEqualTo("w1");
    assertThat(awaitStatus(lost.id(), JobStatus.LOST).outcome().error())
        .isEqualTo("worker gone did not register again within 0 s of the master's restart");
  }
}
