package io.distexec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.client.DistexecClient;
import io.distexec.client.ScriptedMaster;
import io.distexec.proto.v1.JobStatus;
import io.grpc.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** distctl's commands in-process, against a scripted stand-in master, with captured output. */
class DistctlTest {

  private final ScriptedMaster master;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final CommandLine cli;

  DistctlTest() throws Exception {
    master = new ScriptedMaster();
    cli =
        Distctl.commandLine(
            (address, token, ca) -> DistexecClient.over(master.channel(), Duration.ofSeconds(5)));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
  }

  @AfterEach
  void close() {
    master.close();
  }

  private int run(String... args) {
    return cli.execute(args);
  }

  @Test
  void helpNamesEveryCommandAndTheExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains(
            "run",
            "submit",
            "status",
            "list",
            "logs",
            "cancel",
            "workers",
            "cluster",
            "scaler",
            "drain",
            "generate-completion",
            "124 timed out");
  }

  @Test
  void saysWhatTheMasterAddressIsWhenGivenTheRestUrl() {
    assertThat(run("--master", "http://127.0.0.1:9080", "workers")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "the master's address is its gRPC host:port, e.g. 127.0.0.1:50051, not a URL such as"
                + " 'http://127.0.0.1:9080'");
  }

  @Test
  void runPrintsBothStreamsAndExitsWithTheCommandsCode() {
    master.scriptRun(JobStatus.JOB_STATUS_FAILED, "out\n", "err\n", 3, "exited with code 3");
    assertThat(
            run(
                "run",
                "--env",
                "A=1",
                "--timeout",
                "5",
                "--max-attempts",
                "2",
                "--retry-on",
                "75,76",
                "--idempotency-key",
                "k9",
                "--",
                "sh",
                "-c",
                "echo out; echo err >&2; exit 3"))
        .isEqualTo(3);
    assertThat(out).hasToString("out\n");
    assertThat(err).hasToString("err\n");
    var spec = master.submitted.get(0).getSpec();
    assertThat(spec.getArgsList()).containsExactly("-c", "echo out; echo err >&2; exit 3");
    assertThat(spec.getEnvMap()).containsEntry("A", "1");
    assertThat(spec.getTimeoutSeconds()).isEqualTo(5);
    assertThat(master.submitted.get(0).getMaxAttempts()).isEqualTo(2);
    assertThat(master.submitted.get(0).getRetryOnExitCodesList()).containsExactly(75, 76);
    assertThat(master.submitted.get(0).getIdempotencyKey()).isEqualTo("k9");
  }

  @Test
  void tokenCreateSendsTheLifetimeAndPrintsOnlyTheSecret() {
    assertThat(run("token", "create", "ci", "-r", "submitter,viewer", "--expires-in", "12h"))
        .isZero();
    assertThat(out).hasToString("dxt_scripted\n");
    assertThat(err.toString()).contains("expires 2027-01-15T20:00:00Z");
    assertThat(master.tokensCreated.get(0).getExpiresInSeconds()).isEqualTo(12 * 3600);
    assertThat(master.tokensCreated.get(0).getRolesList()).containsExactly("submitter", "viewer");

    assertThat(run("token", "create", "robot", "-r", "viewer", "--expires-in", "never")).isZero();
    assertThat(master.tokensCreated.get(1).hasExpiresInSeconds()).isTrue();
    assertThat(master.tokensCreated.get(1).getExpiresInSeconds()).isZero();
    assertThat(err.toString()).contains("never expires");

    assertThat(run("token", "create", "alice", "-r", "viewer")).isZero();
    assertThat(master.tokensCreated.get(2).hasExpiresInSeconds()).isFalse();
  }

  @Test
  void aLifetimeThatIsNotOneIsRefusedBeforeCallingTheMaster() {
    for (String bad : List.of("0d", "12", "3w", "-1d", "forever")) {
      assertThat(run("token", "create", "ci", "-r", "viewer", "--expires-in", bad))
          .as(bad)
          .isEqualTo(2);
      assertThat(err.toString()).contains("is not a lifetime: say e.g. 12h, 30d or 1y, or never");
    }
    assertThat(master.tokensCreated).isEmpty();
  }

  @Test
  void runExits124WhenTimedOutAnd130WhenCancelled() {
    master.scriptRun(
        JobStatus.JOB_STATUS_TIMED_OUT, "", "", null, "timed out after 1 s; 1 process(es) killed");
    assertThat(run("run", "--", "sleep", "9")).isEqualTo(124);
    assertThat(err.toString()).contains("timed out after 1 s");
    master.scriptRun(JobStatus.JOB_STATUS_CANCELLED, "", "", null, "cancelled: by user");
    assertThat(run("run", "--", "sleep", "9")).isEqualTo(130);
  }

  @Test
  void runExits125WhenDistexecCouldNotRunTheCommand() {
    master.scriptRun(
        JobStatus.JOB_STATUS_LOST, "", "", null, "worker w1 missed heartbeats for 15 s");
    assertThat(run("run", "--", "make")).isEqualTo(125);
    assertThat(err.toString()).contains("LOST: worker w1 missed heartbeats for 15 s");
  }

  @Test
  void reportsBadInputAsAUsageError() {
    assertThat(run("run")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter: 'COMMAND'");
    master.error = Status.INVALID_ARGUMENT.withDescription("env.1A: is not a valid variable name");
    assertThat(run("run", "-e", "1A=x", "--", "ls")).isEqualTo(2);
    assertThat(err.toString()).contains("distctl: env.1A: is not a valid variable name");
    assertThat(run("list", "-n", "0")).isEqualTo(2);
  }

  @Test
  void submitPrintsTheIdAndStatusCanBeJson() {
    assertThat(run("submit", "--", "true")).isZero();
    assertThat(out.toString().trim()).isEqualTo("job-1");
    assertThat(run("-o", "json", "status", "job-1")).isZero();
    assertThat(out.toString()).contains("\"id\": \"job-1\"");
  }

  @Test
  void showsTheMastersAndWhichLeads() {
    assertThat(run("cluster")).isZero();
    assertThat(out.toString())
        .contains("leader: master-1, term 7")
        .containsPattern("master-1 +LEADER +10.0.0.1:50051 +10.0.0.1:50050")
        .containsPattern("master-2 \\* +STANDBY");
  }

  @Test
  void showsTheScalersLastDecisionsAndExitsWithOneOnARefusal() {
    assertThat(run("scaler")).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "autoscaler: Deployment distexec/distexec-worker; turns on the leader, master-1",
            "replicas: 4 (2 starting)",
            ": Hold: 3 queued fit in 2 free slots and those of 2 starting",
            "problem: Deployment distexec/distexec-worker: the Kubernetes API refused (403)")
        .containsPattern("0s +ScaleOut +9 queued, 0 free slots: 2 -> 4");
  }

  @Test
  void listsWorkers() {
    assertThat(run("workers")).isZero();
    assertThat(out.toString()).contains("worker-1").contains("0/10").contains("command");
  }

  @Test
  void saysWhereItLookedWhenTheMasterIsDown() {
    CommandLine real =
        Distctl.commandLine(
            (address, token, ca) -> DistexecClient.connect(address, Duration.ofSeconds(2), token));
    real.setErr(new PrintWriter(err));
    assertThat(real.execute("--master", "127.0.0.1:1", "workers")).isEqualTo(69);
    assertThat(err.toString())
        .contains("cannot reach the master at 127.0.0.1:1")
        .contains("DISTEXEC_MASTER");
  }

  @Test
  void generatesShellCompletion() {
    assertThat(run("generate-completion")).isZero();
    assertThat(out.toString()).contains("complete -F");
  }
}
