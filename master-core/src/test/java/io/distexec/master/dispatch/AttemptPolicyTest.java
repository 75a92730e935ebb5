package io.distexec.master.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.dispatch.AttemptEvent.Failure;
import io.distexec.master.dispatch.AttemptPolicy.Decision;
import io.distexec.master.dispatch.AttemptPolicy.Facts;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The retry / requeue / lose rules, one row each: the event, what the master knows, the decision.
 */
class AttemptPolicyTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  /** Attempt {@code number} on worker w1, started or not. */
  private static Facts attempt(int number, boolean started) {
    return new Facts("w1", number, started, false, null, false);
  }

  private static Optional<Job> job(int maxAttempts, Integer... retryOn) {
    return Optional.of(
        Job.queued(
            "j", JobSpec.command("make"), new RetryPolicy(maxAttempts, Set.of(retryOn)), T0));
  }

  private static JobOutcome exited(int code) {
    return new JobOutcome(
        OptionalInt.of(code),
        null,
        null,
        false,
        "exited with code " + code,
        0,
        0,
        null,
        null,
        0,
        null);
  }

  static Stream<Arguments> rules() {
    Facts running = attempt(1, true);
    Facts dispatched = attempt(1, false);
    Facts finished = new Facts("w1", 1, true, true, null, false);
    Facts workerDied =
        new Facts("w1", 1, true, false, "worker w1 missed heartbeats for 15 s", false);
    Facts cancelled = new Facts("w1", 1, true, false, null, true);
    Facts third = attempt(3, true);
    AttemptEvent broken =
        new AttemptEvent.Failed(Failure.BROKEN, "UNAVAILABLE", "connection reset");
    AttemptEvent busy = new AttemptEvent.Failed(Failure.REFUSED, "RESOURCE_EXHAUSTED", "busy");
    return Stream.of(
        Arguments.of(
            "a start is recorded",
            new AttemptEvent.Started(T0),
            dispatched,
            job(1),
            new Decision.Start(T0)),
        Arguments.of(
            "a result ends the job in its state",
            new AttemptEvent.Finished(JobStatus.SUCCEEDED, JobOutcome.of(0, new byte[0], "")),
            running,
            job(1),
            new Decision.Finish(JobStatus.SUCCEEDED, JobOutcome.of(0, new byte[0], ""))),
        Arguments.of(
            "a listed exit code is retried while attempts remain",
            new AttemptEvent.Finished(JobStatus.FAILED, exited(75)),
            running,
            job(3, 75),
            new Decision.Retry(
                "attempt 1 exited with code 75; retrying in 1 s", Duration.ofSeconds(1))),
        Arguments.of(
            "a listed exit code on the last attempt fails the job",
            new AttemptEvent.Finished(JobStatus.FAILED, exited(75)),
            third,
            job(3, 75),
            new Decision.Finish(JobStatus.FAILED, exited(75))),
        Arguments.of(
            "an exit code not listed fails the job",
            new AttemptEvent.Finished(JobStatus.FAILED, exited(1)),
            running,
            job(3, 75),
            new Decision.Finish(JobStatus.FAILED, exited(1))),
        Arguments.of(
            "a refusal before the start requeues without using the attempt",
            busy,
            dispatched,
            job(1),
            new Decision.Requeue("worker w1 refused it (RESOURCE_EXHAUSTED (busy))")),
        Arguments.of(
            "a refusal after the start is a lost attempt",
            busy,
            running,
            job(1),
            new Decision.Finish(
                JobStatus.LOST,
                JobOutcome.error("lost contact with worker w1: RESOURCE_EXHAUSTED (busy)"))),
        Arguments.of(
            "an invalid request fails the job with the worker's words",
            new AttemptEvent.Failed(
                Failure.INVALID, "INVALID_ARGUMENT", "command: must not be empty"),
            dispatched,
            job(3),
            new Decision.Finish(JobStatus.FAILED, JobOutcome.error("command: must not be empty"))),
        Arguments.of(
            "a broken call is retried while attempts remain",
            broken,
            running,
            job(2),
            new Decision.Retry(
                "attempt 1 lost: lost contact with worker w1: UNAVAILABLE (connection reset);"
                    + " retrying in 1 s",
                Duration.ofSeconds(1))),
        Arguments.of(
            "the backoff doubles with each attempt",
            broken,
            third,
            job(5),
            new Decision.Retry(
                "attempt 3 lost: lost contact with worker w1: UNAVAILABLE (connection reset);"
                    + " retrying in 4 s",
                Duration.ofSeconds(4))),
        Arguments.of(
            "a broken call on the only attempt loses the job",
            broken,
            running,
            job(1),
            new Decision.Finish(
                JobStatus.LOST,
                JobOutcome.error("lost contact with worker w1: UNAVAILABLE (connection reset)"))),
        Arguments.of(
            "the last of several attempts says so",
            broken,
            third,
            job(3),
            new Decision.Finish(
                JobStatus.LOST,
                JobOutcome.error(
                    "lost contact with worker w1: UNAVAILABLE (connection reset) (attempt 3, the last allowed)"))),
        Arguments.of(
            "a dead worker's attempt ends with the reason it died",
            broken,
            workerDied,
            job(1),
            new Decision.Finish(
                JobStatus.LOST, JobOutcome.error("worker w1 missed heartbeats for 15 s"))),
        Arguments.of(
            "a cancelled job is never retried",
            broken,
            cancelled,
            job(3),
            new Decision.Finish(
                JobStatus.LOST,
                JobOutcome.error("lost contact with worker w1: UNAVAILABLE (connection reset)"))),
        Arguments.of(
            "a job gone from the store is not retried",
            broken,
            running,
            Optional.empty(),
            new Decision.Finish(
                JobStatus.LOST,
                JobOutcome.error("lost contact with worker w1: UNAVAILABLE (connection reset)"))),
        Arguments.of(
            "a failure after the result changes nothing",
            broken,
            finished,
            job(3),
            new Decision.Nothing("the call ended after its result")),
        Arguments.of(
            "a clean end after the result changes nothing",
            new AttemptEvent.Closed(),
            finished,
            job(1),
            new Decision.Nothing("already finished")),
        Arguments.of(
            "a clean end without a result loses the job",
            new AttemptEvent.Closed(),
            running,
            job(3),
            new Decision.Finish(
                JobStatus.LOST, JobOutcome.error("worker w1 ended the task without a result"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void decides(
      String rule, AttemptEvent event, Facts attempt, Optional<Job> job, Decision expected) {
    assertThat(AttemptPolicy.decide(event, attempt, () -> job))
        .usingRecursiveComparison()
        .isEqualTo(expected);
  }

  static Stream<Arguments> afterRestart() {
    Job dispatched = job(2).orElseThrow().dispatchedTo("w1");
    Job running = dispatched.running(T0);
    Job ended = running.finished(JobStatus.SUCCEEDED, JobOutcome.NONE, T0);
    String why = "worker w1 did not register again within 20 s of the master's restart";
    return Stream.of(
        Arguments.of(
            "never started: back to the queue", Optional.of(dispatched), new Decision.Requeue(why)),
        Arguments.of(
            "started: retried while attempts remain",
            Optional.of(running),
            new Decision.Retry(
                "attempt 1 lost: " + why + "; retrying in 1 s", Duration.ofSeconds(1))),
        Arguments.of(
            "ended meanwhile: nothing to do",
            Optional.of(ended),
            new Decision.Nothing("ended meanwhile")),
        Arguments.of(
            "gone from the store: nothing to do",
            Optional.empty(),
            new Decision.Nothing("ended meanwhile")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("afterRestart")
  void decidesForAttemptsFromBeforeARestart(String rule, Optional<Job> job, Decision expected) {
    assertThat(
            AttemptPolicy.afterRestart(
                attempt(1, true),
                job,
                "worker w1 did not register again within 20 s of the master's restart"))
        .usingRecursiveComparison()
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} benches the worker: {1}")
  @MethodSource("benches")
  void benchesAWorkerOnlyWhenItRefused(Failure kind, boolean benched) {
    assertThat(AttemptPolicy.benchesWorker(new AttemptEvent.Failed(kind, "X", "")))
        .isEqualTo(benched);
  }

  static Stream<Arguments> benches() {
    return Stream.of(
        Arguments.of(Failure.REFUSED, true),
        Arguments.of(Failure.INVALID, false),
        Arguments.of(Failure.BROKEN, false));
  }
}
