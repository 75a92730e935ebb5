package io.distexec.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobTest {

  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
  private final Job queued = Job.queued("j1", JobSpec.command("echo", "hi"), t0);

  @Test
  void movesForwardThroughItsLifecycle() {
    Job done =
        queued
            .dispatchedTo("w1")
            .running(t0.plusSeconds(1))
            .finished(
                JobStatus.SUCCEEDED, JobOutcome.of(0, "hi\n".getBytes(), ""), t0.plusSeconds(2));
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.workerId()).isEqualTo("w1");
    assertThat(done.exitCode()).hasValue(0);
    assertThat(done.startedAt()).isEqualTo(t0.plusSeconds(1));
    assertThat(done.finishedAt()).isEqualTo(t0.plusSeconds(2));
  }

  @Test
  void neverLeavesATerminalState() {
    Job lost = queued.dispatchedTo("w1").finished(JobStatus.LOST, JobOutcome.error("gone"), t0);
    assertThatThrownBy(() -> lost.finished(JobStatus.SUCCEEDED, JobOutcome.NONE, t0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("job j1 cannot move from LOST to SUCCEEDED");
    assertThatThrownBy(() -> lost.running(t0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void goesBackToTheQueueWhenRefusedBeforeStartWithoutUsingAnAttempt() {
    Job requeued = queued.dispatchedTo("w1").requeued();
    assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(requeued.attempt()).isZero();
    assertThat(requeued.workerId()).isNull();
  }

  @Test
  void goesBackToTheQueueForARetryKeepingItsAttemptCountAndTheReason() {
    Job retried =
        queued
            .dispatchedTo("w1")
            .running(t0)
            .retried("attempt 1 lost: worker gone; retrying in 1 s");
    assertThat(retried.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(retried.attempt()).isEqualTo(1);
    assertThat(retried.outcome().error()).startsWith("attempt 1 lost");
    Job second = retried.dispatchedTo("w2");
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.outcome()).isEqualTo(JobOutcome.NONE);
  }

  @Test
  void cannotStartRunningWithoutBeingDispatched() {
    assertThatThrownBy(() -> queued.running(t0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void neverPrintsEnvironmentValues() {
    JobSpec spec =
        new JobSpec(
            "command",
            "env",
            List.of(),
            Map.of("TOKEN", "s3cret"),
            null,
            "also secret".getBytes(),
            0,
            Map.of(),
            false);
    assertThat(spec.toString())
        .contains("TOKEN")
        .doesNotContain("s3cret")
        .doesNotContain("also secret");
  }

  @Test
  void anEndedJobKeepsNoSecretsButItsOwnerAndTheVariableNames() {
    JobSpec spec =
        new JobSpec(
            null,
            "cat",
            List.of(),
            Map.of("API_KEY", "hunter2"),
            null,
            "secret input".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            0,
            Map.of(),
            false);
    Job running =
        Job.queued("j", spec, RetryPolicy.NONE, Instant.EPOCH, "alice")
            .dispatchedTo("w")
            .running(Instant.EPOCH);
    assertThat(running.spec().env()).containsEntry("API_KEY", "hunter2");

    Job ended = running.finished(JobStatus.SUCCEEDED, JobOutcome.NONE, Instant.EPOCH);
    assertThat(ended.spec().env()).containsExactly(Map.entry("API_KEY", ""));
    assertThat(ended.spec().stdin()).isEmpty();
    assertThat(ended.spec().command()).isEqualTo("cat");
    assertThat(ended.owner()).isEqualTo("alice");
  }
}
