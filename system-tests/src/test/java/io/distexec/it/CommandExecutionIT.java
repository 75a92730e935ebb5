package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.testing.LocalCluster;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command executor through the REST API of a real cluster: process-tree kills, huge output,
 * unicode and binary output, stdin, env and workdir, shell mode, the script plugin, the command
 * policy. On the shared cluster, whose workers run with an allow-list of the system's program
 * folders, as an operator might.
 */
@ExtendWith(SharedCluster.class)
class CommandExecutionIT {

  private static LocalCluster cluster;
  private static Rest rest;

  @BeforeAll
  static void useCluster(LocalCluster shared) {
    cluster = shared;
    rest = new Rest(cluster);
  }

  private static JsonObject run(String json) throws Exception {
    return rest.awaitEnd(rest.submit(json), Duration.ofSeconds(60));
  }

  private static List<ProcessHandle> processesWith(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .toList();
  }

  @Test
  void aTimeoutKillsTheWholeProcessTreeAndLeavesNothingBehind() throws Exception {
    String marker = "300." + System.nanoTime() % 100000;
    JsonObject job =
        run(
            "{\"command\":\"sh\",\"args\":[\"-c\",\"sleep "
                + marker
                + " & sleep "
                + marker
                + "\"],\"timeoutSeconds\":1}");
    assertThat(job.getString("status")).isEqualTo("TIMED_OUT");
    assertThat(job.getInt("processesKilled")).isEqualTo(3); // sh and both sleeps
    assertThat(job.getString("error")).isEqualTo("timed out after 1 s; 3 process(es) killed");
    assertThat(processesWith(marker)).isEmpty();
    // From the timeout to the result: how long ending the tree took (for the record).
    Duration runFor =
        Duration.between(
            Instant.parse(job.getString("startedAt")), Instant.parse(job.getString("finishedAt")));
    System.out.printf(
        "timeout of 1 s: job ended %d ms after start, tree gone%n", runFor.toMillis());
    assertThat(runFor).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void twoHundredMegabytesOfOutputKeepHeadAndTailAndTheWorkersMemoryFlat() throws Exception {
    long[] pids = {cluster.pid("worker-1"), cluster.pid("worker-2"), cluster.pid("master")};
    long[] before = new long[3];
    for (int i = 0; i < 3; i++) {
      before[i] = Rss.of(pids[i]);
    }
    long[] peak = before.clone();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(
        () -> {
          for (int i = 0; i < 3; i++) {
            synchronized (peak) {
              peak[i] = Math.max(peak[i], Rss.of(pids[i]));
            }
          }
        },
        0,
        20,
        TimeUnit.MILLISECONDS);
    JsonObject job;
    try {
      job = run("{\"command\":\"sh\",\"args\":[\"-c\",\"yes abcdefghij | head -c 200000000\"]}");
    } finally {
      sampler.shutdown();
      assertThat(sampler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(job.getString("status")).isEqualTo("SUCCEEDED");
    assertThat(job.getJsonNumber("stdoutBytes").longValue()).isEqualTo(200_000_000L);
    assertThat(job.getBoolean("outputTruncated")).isTrue();
    String out = job.getString("stdout");
    assertThat(out)
        .startsWith("abcdefghij\nabcdefghij\n")
        .contains("bytes omitted]")
        .endsWith("j\nab");
    assertThat(out.length()).isBetween(1 << 20, (1 << 20) + 100);
    System.out.printf(
        "200 MB job: RSS MiB before/peak worker-1 %d/%d, worker-2 %d/%d, master %d/%d%n",
        before[0] >> 20,
        peak[0] >> 20,
        before[1] >> 20,
        peak[1] >> 20,
        before[2] >> 20,
        peak[2] >> 20);
    for (int i = 0; i < 3; i++) {
      assertThat(peak[i] - before[i]).as("RSS growth of server %d", i).isLessThan(100L << 20);
    }
  }

  @Test
  void keepsUnicodeExactlyAndCountsBinaryOutput() throws Exception {
    JsonObject unicode = run("{\"command\":\"printf\",\"args\":[\"%s\\\\n\",\"héllo ✓ 😀\"]}");
    assertThat(unicode.getString("stdout")).isEqualTo("héllo ✓ 😀\n");
    JsonObject binary = run("{\"command\":\"head\",\"args\":[\"-c\",\"4096\",\"/dev/urandom\"]}");
    assertThat(binary.getString("status")).isEqualTo("SUCCEEDED");
    assertThat(binary.getJsonNumber("stdoutBytes").longValue()).isEqualTo(4096);
  }

  @Test
  void passesStdinEnvAndWorkdir() throws Exception {
    JsonObject job =
        run(
            "{\"command\":\"sh\",\"args\":[\"-c\",\"cat; echo \\\"$GREETING\\\"; pwd\"],"
                + "\"stdin\":\"line one\\nline two\\n\",\"env\":{\"GREETING\":\"hi there\"},\"workdir\":\"/tmp\"}");
    assertThat(job.getString("stdout")).isEqualTo("line one\nline two\nhi there\n/tmp\n");
    assertThat(job.getJsonArray("envNames"))
        .extracting(v -> ((JsonString) v).getString())
        .containsExactly("GREETING");
  }

  @Test
  void runsAShellOnlyWhenAsked() throws Exception {
    assertThat(
            run("{\"command\":\"echo $1-$2\",\"args\":[\"a\",\"b\"],\"shell\":true}")
                .getString("stdout"))
        .isEqualTo("a-b\n");
    assertThat(run("{\"command\":\"echo\",\"args\":[\"$HOME;\",\"`id`\"]}").getString("stdout"))
        .isEqualTo("$HOME; `id`\n");
  }

  @Test
  void runsAScriptThroughThePluginFromThePluginsFolder() throws Exception {
    assertThat(rest.get("/api/v1/workers").array())
        .allSatisfy(
            w ->
                assertThat(((JsonObject) w).getJsonArray("executors"))
                    .extracting(e -> ((JsonString) e).getString())
                    .containsExactly("command", "script"));
    JsonObject job =
        run(
            "{\"type\":\"script\",\"command\":\"sh\",\"args\":[\"world\"],"
                + "\"attributes\":{\"script\":\"for n in 1 2; do\\n  echo \\\"$n hello $1\\\"\\ndone\\n\"}}");
    assertThat(job.getString("status")).isEqualTo("SUCCEEDED");
    assertThat(job.getString("stdout")).isEqualTo("1 hello world\n2 hello world\n");
  }

  @Test
  void refusesProgramsOutsideTheAllowList(@TempDir Path dir) throws Exception {
    Path program = dir.resolve("not-allowed");
    Files.writeString(program, "#!/bin/sh\necho should not run\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    JsonObject job = run("{\"command\":\"" + program + "\"}");
    assertThat(job.getString("status")).isEqualTo("FAILED");
    assertThat(job.getString("error"))
        .startsWith(
            "refused: " + program + " is not allowed by this worker's " + "COMMAND_ALLOWLIST");
    assertThat(job.getString("stdout")).isEmpty();
  }

  @Test
  void rejectsBadFieldsAtSubmitNamingThem() throws Exception {
    for (Map.Entry<String, String> bad :
        Map.of(
                "{\"command\":\"\"}", "command",
                "{\"command\":\"ls\",\"timeoutSeconds\":-1}", "timeoutSeconds",
                "{\"command\":\"ls\",\"env\":{\"A-B\":\"x\"}}", "env.A-B",
                "{\"command\":\"ls\",\"workdir\":\"relative/dir\"}", "workdir",
                "{\"command\":\"ls\",\"shell\":\"yes\"}", "shell")
            .entrySet()) {
      Rest.Answer answer = rest.post("/api/v1/jobs", bad.getKey());
      assertThat(answer.status()).as(bad.getKey()).isEqualTo(400);
      assertThat(answer.json().getJsonArray("errors").getJsonObject(0).getString("field"))
          .isEqualTo(bad.getValue());
    }
    // Only a worker can tell whether a folder exists: that ends the job FAILED, saying so.
    JsonObject missing = run("{\"command\":\"ls\",\"workdir\":\"/no/such/folder\"}");
    assertThat(missing.getString("status")).isEqualTo("FAILED");
    assertThat(missing.getString("error"))
        .isEqualTo("workdir does not exist or is not a directory: /no/such/folder");
  }

  @Test
  void showsOutputWhileTheCommandRuns() throws Exception {
    String id =
        rest.submit("{\"command\":\"sh\",\"args\":[\"-c\",\"echo started; sleep 3; echo done\"]}");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              JsonObject job = rest.get("/api/v1/jobs/" + id).json();
              return job.getString("status").equals("RUNNING")
                  && job.getString("stdout").equals("started\n");
            });
    JsonObject done = rest.awaitEnd(id, Duration.ofSeconds(30));
    assertThat(done.getString("stdout")).isEqualTo("started\ndone\n");
  }
}
