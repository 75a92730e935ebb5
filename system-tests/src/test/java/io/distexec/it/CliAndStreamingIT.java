package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.client.DistexecClient;
import io.distexec.client.Job;
import io.distexec.client.JobEvent;
import io.distexec.client.JobRequest;
import io.distexec.client.JobStatus;
import io.distexec.testing.LocalCluster;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** distctl as a real process, server-sent events and the Java client, against a real cluster. */
@ExtendWith(SharedCluster.class)
class CliAndStreamingIT {

  private static final Path DISTCTL = Clusters.ROOT.resolve("bin/distctl");
  private static LocalCluster cluster;
  private static Rest rest;

  @BeforeAll
  static void useTheSharedCluster(LocalCluster shared) {
    cluster = shared;
    rest = new Rest(cluster);
  }

  private record Ran(int exit, String stdout, String stderr) {}

  private static Process distctl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(DISTCTL.toString(), "--master", "127.0.0.1:" + cluster.masterGrpcPort()));
    command.addAll(List.of(args));
    ProcessBuilder process = new ProcessBuilder(command);
    process.environment().put("DISTEXEC_TOKEN", cluster.adminToken());
    return process.start();
  }

  private static Ran run(String... args) throws Exception {
    Process p = distctl(args);
    var stdout = p.getInputStream().readAllBytes();
    var stderr = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Ran(
        p.exitValue(),
        new String(stdout, StandardCharsets.UTF_8),
        new String(stderr, StandardCharsets.UTF_8));
  }

  @Test
  void runPrintsBothStreamsAndExitsWithTheCommandsCode() throws Exception {
    Ran ran = run("run", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(ran.stdout()).isEqualTo("out\n");
    assertThat(ran.stderr()).isEqualTo("err\n");
    assertThat(ran.exit()).isEqualTo(3);
  }

  @Test
  void runExits124OnTimeoutAnd127ForAMissingCommand() throws Exception {
    Ran timedOut = run("run", "--timeout", "1", "--", "sleep", "30");
    assertThat(timedOut.exit()).isEqualTo(124);
    assertThat(timedOut.stderr()).contains("timed out after 1 s");
    Ran missing = run("run", "--", "no-such-command-here");
    assertThat(missing.exit()).isEqualTo(127);
    assertThat(missing.stderr()).contains("command not found: no-such-command-here");
  }

  @Test
  void aQueuedJobSaysWhyItWaitsInRestAndInDistctlStatus() throws Exception {
    List<String> sleepers = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // every slot of the two workers
      sleepers.add(rest.submit("{\"command\":\"sleep\",\"args\":[\"30\"]}"));
    }
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  sleepers.stream()
                      .allMatch(
                          id -> {
                            try {
                              return rest.get("/api/v1/jobs/" + id)
                                  .json()
                                  .getString("status")
                                  .equals("RUNNING");
                            } catch (Exception e) {
                              return false;
                            }
                          }));
      String waiting = rest.submit("{\"command\":\"echo\",\"args\":[\"my turn\"]}");
      JsonObject job = rest.get("/api/v1/jobs/" + waiting).json().asJsonObject();
      assertThat(job.getString("status")).isEqualTo("QUEUED");
      assertThat(job.getString("waiting")).isEqualTo("all 2 workers busy (20 of 20 slots)");
      Ran status = run("status", waiting);
      assertThat(status.exit()).isZero();
      assertThat(status.stdout())
          .containsPattern("WAITING +all 2 workers busy \\(20 of 20 slots\\)");

      rest.post("/api/v1/jobs/" + sleepers.get(0) + "/cancel", "");
      JsonObject done = rest.awaitEnd(waiting, Duration.ofSeconds(30));
      assertThat(done.getString("status")).isEqualTo("SUCCEEDED");
      assertThat(done.containsKey("waiting")).isFalse();
    } finally {
      for (String id : sleepers) {
        rest.post("/api/v1/jobs/" + id + "/cancel", "");
      }
    }
  }

  @Test
  void ctrlCCancelsTheJobAndExits130() throws Exception {
    String marker = "44" + System.nanoTime() % 1000;
    Process p = distctl("run", "--", "sleep", marker);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> rest.get("/api/v1/jobs?status=RUNNING").body().contains(marker));
    String id =
        rest.get("/api/v1/jobs?status=RUNNING").json().getJsonArray("jobs").stream()
            .map(j -> (JsonObject) j)
            .filter(j -> j.getJsonArray("args").getString(0).equals(marker))
            .findFirst()
            .orElseThrow()
            .getString("id");
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(130);
    assertThat(new String(p.getErrorStream().readAllBytes())).contains("cancelled job " + id);
    JsonObject job = rest.awaitEnd(id, Duration.ofSeconds(20));
    assertThat(job.getString("status")).isEqualTo("CANCELLED");
    assertThat(job.getString("error")).isEqualTo("cancelled: interrupted (Ctrl-C)");
  }

  @Test
  void logsFollowShowsLinesAsTheyArePrinted() throws Exception {
    // Each line carries the worker's clock at the moment it was printed.
    String id =
        rest.submit(
            "{\"command\":\"sh\",\"args\":[\"-c\",\"for i in 1 2 3 4 5 6; do date +%s%N; sleep 0.5; done\"]}");
    Process logs = distctl("logs", "-f", id);
    List<Long> delaysMillis = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(logs.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        long printedAt = Long.parseLong(line.trim());
        delaysMillis.add((System.currentTimeMillis() * 1_000_000 - printedAt) / 1_000_000);
      }
    }
    assertThat(logs.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(logs.exitValue()).isZero();
    assertThat(delaysMillis).hasSize(6);
    List<Long> sorted = delaysMillis.stream().sorted().toList();
    System.out.printf(
        "logs -f: printed-to-shown delay ms: %s (median %d)%n", delaysMillis, sorted.get(3));
    // Lines came while the job ran (it takes 3 s), not all at its end.
    assertThat(sorted.get(3)).isLessThan(1000);
  }

  @Test
  void anEventStreamResumedWithLastEventIdMissesNothingAndRepeatsNothing() throws Exception {
    String id =
        rest.submit(
            "{\"command\":\"sh\",\"args\":[\"-c\",\"for i in $(seq 1 20); do echo line $i; sleep 0.1; done\"]}");
    HttpClient http = HttpClient.newHttpClient();
    List<Long> ids = new ArrayList<>();
    StringBuilder output = new StringBuilder();
    String lastId = readEvents(http, id, null, ids, output, 6);
    String end = readEvents(http, id, lastId, ids, output, Integer.MAX_VALUE);
    assertThat(end).isNotNull();
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      expected.append("line ").append(i).append('\n');
    }
    assertThat(output).hasToString(expected.toString());
    for (int i = 1; i < ids.size(); i++) {
      assertThat(ids.get(i)).isEqualTo(ids.get(i - 1) + 1);
    }
    assertThat(ids.get(0)).isEqualTo(1);
  }

  /**
   * Reads SSE events until {@code max} were read or the stream ended; returns the last event id.
   */
  private static String readEvents(
      HttpClient http,
      String jobId,
      String lastEventId,
      List<Long> ids,
      StringBuilder output,
      int max)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(cluster.masterUrl() + "/api/v1/jobs/" + jobId + "/events"))
            .header("Accept", "text/event-stream")
            .header("Authorization", cluster.adminAuthorization());
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    String last = lastEventId;
    int read = 0;
    String event = null;
    try (Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.startsWith("id:")) {
          last = line.substring(3).trim();
          ids.add(Long.parseLong(last));
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:") && "output".equals(event)) {
          output.append(((JsonObject) Rest.parse(line.substring(5).trim())).getString("data"));
        } else if (line.isEmpty() && event != null) {
          event = null;
          if (++read >= max) {
            return last; // disconnect mid-job
          }
        }
      }
    }
    return last;
  }

  @Test
  void theJavaClientRunsAJobAndStreamsItsOutput() {
    try (DistexecClient client =
        DistexecClient.connect(
            "127.0.0.1:" + cluster.masterGrpcPort(),
            DistexecClient.DEFAULT_DEADLINE,
            cluster.adminToken())) {
      StringBuilder live = new StringBuilder();
      Job job =
          client.run(
              JobRequest.command("sh", "-c", "echo one; echo two").build(),
              event -> {
                if (event instanceof JobEvent.Output o) {
                  live.append(o.text());
                }
              });
      assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(live).hasToString("one\ntwo\n");
      assertThat(job.stdout()).isEqualTo("one\ntwo\n");
      assertThat(client.workers()).extracting(w -> w.id()).containsExactly("worker-1", "worker-2");
      List<Job> batch =
          client.submitBatch(
              List.of(
                  JobRequest.command("echo", "b1").build(),
                  JobRequest.command("echo", "b2").build()),
              null);
      assertThat(batch).hasSize(2).extracting(Job::id).doesNotHaveDuplicates();
      for (Job submitted : batch) {
        client.watch(submitted.id(), 0, e -> {});
      }
      assertThat(batch.stream().map(b -> client.get(b.id()).stdout()))
          .containsExactly("b1\n", "b2\n");
    }
  }

  @Test
  void distctlListsStatusesAndWorkers() throws Exception {
    String id = run("submit", "--", "echo", "listed").stdout().trim();
    rest.awaitEnd(id, Duration.ofSeconds(30));
    Ran status = run("status", id);
    assertThat(status.stdout()).contains("STATUS     SUCCEEDED").contains("COMMAND    echo listed");
    Ran json = run("-o", "json", "status", id);
    assertThat(((JsonObject) Rest.parse(json.stdout())).getString("status"))
        .isEqualTo("JOB_STATUS_SUCCEEDED");
    assertThat(run("list", "--status", "SUCCEEDED", "-n", "50").stdout()).contains(id);
    assertThat(run("workers").stdout()).contains("worker-1").contains("worker-2").contains("READY");
    assertThat(run("logs", id).stdout()).isEqualTo("listed\n");
    Ran unknown = run("status", "no-such-job");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("no job with id no-such-job");
    assertThat(run("cancel", id).stderr()).contains("has already ended SUCCEEDED");
  }

  /**
   * Many jobs from one command: --args-from a file's lines (xargs-style, standard input here) and
   * --count, in batches; the same --idempotency-key again submits nothing twice.
   */
  @Test
  void distctlSubmitsManyJobsInBatchesFromLinesOrACount() throws Exception {
    Process fromLines = distctl("submit", "--args-from", "-", "--", "echo", "file");
    try (var stdin = fromLines.getOutputStream()) {
      stdin.write("a.csv\n\nb c.csv\n".getBytes(StandardCharsets.UTF_8));
    }
    String ids = new String(fromLines.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(fromLines.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(fromLines.exitValue()).as(ids).isZero();
    List<String> lineJobs = ids.lines().toList();
    assertThat(lineJobs).hasSize(2);
    assertThat(lineJobs.stream().map(id -> rest.awaitEnd(id, Duration.ofSeconds(60))))
        .extracting(j -> j.getString("stdout"))
        .containsExactly("file a.csv\n", "file b c.csv\n");

    // Three jobs of 200 kB each: two batches (a batch stays under 512 KiB), every id in order.
    Path input = Files.createTempFile("batch", ".bin");
    Files.write(input, new byte[200_000]);
    String[] threeJobs = {
      "submit",
      "--count",
      "3",
      "--stdin",
      input.toString(),
      "--idempotency-key",
      "cli-batch",
      "--",
      "wc",
      "-c"
    };
    Ran counted = run(threeJobs);
    assertThat(counted.exit()).as(counted.stderr()).isZero();
    List<String> countIds = counted.stdout().lines().toList();
    assertThat(countIds).hasSize(3).doesNotHaveDuplicates();
    Ran again = run(threeJobs); // the same key: the same jobs, none twice
    assertThat(again.stdout().lines().toList()).isEqualTo(countIds);
    for (String id : countIds) {
      assertThat(rest.awaitEnd(id, Duration.ofSeconds(60)).getString("stdout"))
          .isEqualTo("200000\n");
    }

    Ran both = run("submit", "--count", "2", "--args-from", "-", "--", "true");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.stderr()).contains("give --count or --args-from, not both");
  }
}
