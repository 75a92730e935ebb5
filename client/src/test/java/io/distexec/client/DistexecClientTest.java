package io.distexec.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.proto.v1.JobStatus;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DistexecClientTest {

  private final ScriptedMaster master;
  private final DistexecClient client;

  DistexecClientTest() throws Exception {
    master = new ScriptedMaster();
    client = DistexecClient.over(master.channel(), Duration.ofSeconds(5));
  }

  @AfterEach
  void close() {
    client.close();
    master.close();
  }

  @Test
  void sendsTheWholeRequest() {
    client.submit(
        JobRequest.command("tar", "-czf", "out.tgz", ".")
            .env("K", "v")
            .workdir("/srv")
            .timeout(Duration.ofSeconds(30))
            .stdin("in")
            .maxAttempts(3)
            .retryOnExitCodes(75)
            .idempotencyKey("k1")
            .build());
    var submit = master.submitted.get(0);
    var spec = submit.getSpec();
    assertThat(spec.getCommand()).isEqualTo("tar");
    assertThat(spec.getArgsList()).containsExactly("-czf", "out.tgz", ".");
    assertThat(spec.getEnvMap()).containsEntry("K", "v");
    assertThat(spec.getWorkdir()).isEqualTo("/srv");
    assertThat(spec.getTimeoutSeconds()).isEqualTo(30);
    assertThat(spec.getStdin().toStringUtf8()).isEqualTo("in");
    assertThat(spec.getShell()).isFalse();
    assertThat(submit.getMaxAttempts()).isEqualTo(3);
    assertThat(submit.getRetryOnExitCodesList()).containsExactly(75);
    assertThat(submit.getIdempotencyKey()).isEqualTo("k1");
  }

  @Test
  void runsAJobDeliveringItsOutputAndReturningTheFinishedJob() {
    master.scriptRun(JobStatus.JOB_STATUS_FAILED, "out\n", "err\n", 3, "exited with code 3");
    List<String> seen = new ArrayList<>();
    Job job =
        client.run(
            JobRequest.shell("echo out; echo err >&2; exit 3").build(),
            event -> {
              if (event instanceof JobEvent.Output o) {
                seen.add((o.stderr() ? "err: " : "out: ") + o.text());
              }
            });
    assertThat(seen).containsExactly("out: out\n", "err: err\n");
    assertThat(job.status()).isEqualTo(io.distexec.client.JobStatus.FAILED);
    assertThat(job.exitCode()).hasValue(3);
  }

  @Test
  void resumesABrokenWatchAfterTheLastEventWithoutRepeats() {
    master.scriptRun(JobStatus.JOB_STATUS_SUCCEEDED, "a", "b", 0, "");
    master.breakWatchAfter = 2;
    List<Long> sequences = new ArrayList<>();
    client.watch("job-1", 0, event -> sequences.add(event.sequence()));
    assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(master.watchedAfter).containsExactly(0L, 2L);
  }

  @Test
  void turnsStatusesIntoExceptionsThatSayWhatHappened() {
    master.error = Status.NOT_FOUND.withDescription("no job with id x");
    assertThatThrownBy(() -> client.get("x"))
        .isInstanceOf(DistexecException.NotFoundException.class)
        .hasMessage("no job with id x");
    master.error = Status.RESOURCE_EXHAUSTED.withDescription("full");
    assertThatThrownBy(() -> client.submit(JobRequest.command("true").build()))
        .isInstanceOf(DistexecException.QueueFullException.class);
    master.error = Status.INVALID_ARGUMENT.withDescription("command: must not be empty");
    assertThatThrownBy(() -> client.submit(JobRequest.command("").build()))
        .isInstanceOf(DistexecException.InvalidJobException.class)
        .hasMessage("command: must not be empty");
    master.error = Status.FAILED_PRECONDITION.withDescription("job x has already ended SUCCEEDED");
    assertThatThrownBy(() -> client.cancel("x", null))
        .isInstanceOf(DistexecException.JobEndedException.class);
    master.error =
        Status.ALREADY_EXISTS.withDescription(
            "Idempotency-Key 'k' was used for a different request");
    assertThatThrownBy(() -> client.submit(JobRequest.command("true").idempotencyKey("k").build()))
        .isInstanceOf(DistexecException.IdempotencyConflictException.class);
  }

  @Test
  void saysWhenTheMasterCannotBeReached() {
    try (DistexecClient nowhere = DistexecClient.connect("127.0.0.1:1", Duration.ofSeconds(2))) {
      assertThatThrownBy(nowhere::workers)
          .isInstanceOf(DistexecException.MasterUnavailableException.class)
          .hasMessageStartingWith("cannot reach the master at 127.0.0.1:1 (UNAVAILABLE");
    }
  }

  /** The README's example is this file's code: if it stops compiling or drifts, this fails. */
  @Test
  void theReadmeShowsTheExampleThatCompilesHere() throws Exception {
    String example =
        Files.readString(Path.of("src/test/java/io/distexec/client/ReadmeExample.java"));
    String snippet =
        example
            .substring(
                example.indexOf("// README:begin") + "// README:begin".length(),
                example.indexOf("// README:end"))
            .stripIndent()
            .strip();
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme.replace("\r", "")).contains(snippet);
  }
}
