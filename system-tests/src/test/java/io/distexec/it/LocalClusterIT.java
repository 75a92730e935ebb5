package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.distexec.proto.v1.GetJobRequest;
import io.distexec.proto.v1.Job;
import io.distexec.proto.v1.JobStatus;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.TaskSpec;
import io.distexec.testing.LocalCluster;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A master and two workers as real Liberty servers; commands run through REST and gRPC. */
@ExtendWith(SharedCluster.class)
class LocalClusterIT {

  private static LocalCluster cluster;
  private static Rest rest;

  @BeforeAll
  static void useTheSharedCluster(LocalCluster shared) {
    cluster = shared;
    rest = new Rest(cluster);
  }

  /**
   * Each server of the cluster starts without an error in its log (Liberty marks one with {@code E}
   * after the logger's name): an operator reads an error at start as something to fix. Liberty 26
   * logged CWWKS4118E (LTPA keys without a password) on every start until the cluster script gave
   * them one.
   */
  @Test
  void theServersStartWithoutAnErrorInTheirLogs() throws Exception {
    Pattern error = Pattern.compile("^\\[[^\\]]*\\] [0-9a-f]{8} \\S+\\s+E ");
    for (String server : List.of("master", "worker-1", "worker-2")) {
      List<String> start = new ArrayList<>();
      for (String line : Files.readAllLines(cluster.log(server))) {
        start.add(line);
        if (line.contains("CWWKF0011I")) { // "The server ... is ready to run a smarter planet."
          break;
        }
      }
      assertThat(start).as(server).anyMatch(l -> l.contains("CWWKF0011I"));
      assertThat(start).as(server).noneMatch(l -> error.matcher(l).find());
    }
  }

  /** The workers' own JVM options (C1 only) come after the shared ones; the master's do not. */
  @Test
  void theWorkersRunWithTheirOwnJvmOptionsAfterTheSharedOnes() throws Exception {
    String shared = Files.readString(Clusters.ROOT.resolve("liberty/jvm.options"));
    String own = Files.readString(Clusters.ROOT.resolve("liberty/worker/jvm.options"));
    assertThat(own).contains("-XX:TieredStopAtLevel=1");
    for (String worker : List.of("worker-1", "worker-2")) {
      Path options = cluster.log(worker).getParent().resolveSibling("jvm.options");
      assertThat(Files.readString(options)).as(worker).startsWith(shared).contains(own);
    }
    Path master = cluster.log("master").getParent().resolveSibling("jvm.options");
    assertThat(Files.readString(master)).doesNotContain(own);
  }

  /**
   * A worker on Java 19+ starts from a class data sharing archive its JVM wrote when a worker of
   * this build stopped (scripts/local-cluster.sh, class_archive): stopped and started again, the
   * worker maps it, and runs without Liberty's bootstrap agent, with which its JVM would refuse to
   * write one. The time it saves is the bench's (footprint part), not asserted here.
   */
  @Test
  void aWorkerStartsFromTheClassArchiveItsJvmWroteWhenAWorkerStopped() throws Exception {
    Path java = Path.of("/proc/" + cluster.pid("worker-2") + "/exe").toRealPath();
    String release = Files.readString(java.getParent().resolveSibling("release"));
    Matcher version = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(release);
    assertThat(version.find()).as(release).isTrue();
    Assumptions.assumeTrue(
        Integer.parseInt(version.group(1)) >= 19,
        "the workers run on " + java + ", before Java 19");
    Path options = cluster.log("worker-2").getParent().resolveSibling("jvm.options");
    Matcher file =
        Pattern.compile("-XX:SharedArchiveFile=(\\S+)").matcher(Files.readString(options));
    assertThat(file.find()).as(options.toString()).isTrue();
    Path archive = Path.of(file.group(1));

    cluster.stop("worker-2");
    assertThat(archive).isNotEmptyFile();
    cluster.restart("worker-2");

    long pid = cluster.pid("worker-2");
    assertThat(Files.readString(Path.of("/proc/" + pid + "/maps"))).contains(archive.toString());
    assertThat(Files.readString(Path.of("/proc/" + pid + "/cmdline"))).doesNotContain("javaagent");
    String id = rest.post("/api/v1/jobs", "{\"command\":\"true\"}").json().getString("id");
    assertThat(rest.awaitEnd(id, Duration.ofSeconds(30)).getString("status"))
        .isEqualTo("SUCCEEDED");
  }

  @Test
  void runsEchoHelloWorldToSuccess() throws Exception {
    Rest.Answer accepted =
        rest.post("/api/v1/jobs", "{\"command\":\"echo\",\"args\":[\"hello\",\"world\"]}");
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.json().getString("status")).isEqualTo("QUEUED");
    String id = accepted.json().getString("id");
    assertThat(accepted.raw().headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/api/v1/jobs/" + id));

    JsonObject job = rest.awaitEnd(id, Duration.ofSeconds(30));
    assertThat(job.getString("status")).isEqualTo("SUCCEEDED");
    assertThat(job.getString("stdout")).isEqualTo("hello world\n");
    assertThat(job.getInt("exitCode")).isZero();
    assertThat(job.getString("worker")).startsWith("worker-");
    assertThat(job.getString("startedAt")).isNotBlank();
    assertThat(job.getString("finishedAt")).isNotBlank();
    assertThat(
            job.getJsonArray("history").stream()
                .map(h -> ((JsonObject) h).getString("status"))
                .toList())
        .containsExactly("QUEUED", "DISPATCHED", "RUNNING", "SUCCEEDED");
  }

  @Test
  void waitsForTheResultWhenAskedTo() throws Exception {
    Rest.Answer answer =
        rest.post("/api/v1/jobs", "{\"command\":\"echo\",\"args\":[\"waited\"]}", "wait=20");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.raw().headers().firstValue("Preference-Applied")).contains("wait=20");
    assertThat(answer.json().getString("status")).isEqualTo("SUCCEEDED");
    assertThat(answer.json().getString("stdout")).isEqualTo("waited\n");
  }

  @Test
  void aRepeatedSubmitWithTheSameIdempotencyKeyGivesTheFirstJob() throws Exception {
    String key = "it-" + System.nanoTime();
    Rest.Answer first =
        rest.post("/api/v1/jobs", "{\"command\":\"echo\",\"args\":[\"once\"]}", null, key);
    Rest.Answer again =
        rest.post("/api/v1/jobs", "{\"command\":\"echo\",\"args\":[\"once\"]}", null, key);
    assertThat(first.status()).isEqualTo(202);
    assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
    Rest.Answer different =
        rest.post("/api/v1/jobs", "{\"command\":\"echo\",\"args\":[\"twice\"]}", null, key);
    assertThat(different.status()).isEqualTo(409);
    assertThat(different.json().getString("detail")).contains("was used for a different request");
  }

  /** Many jobs in one request: all stored in order, or none with the bad job's place named. */
  @Test
  void aBatchIsStoredWholeAndRunsOrIsRefusedWhole() throws Exception {
    Rest.Answer batch =
        rest.post(
            "/api/v1/jobs/batch",
            "{\"jobs\":[{\"command\":\"echo\",\"args\":[\"one\"]},"
                + "{\"command\":\"echo\",\"args\":[\"two\"]}]}");
    assertThat(batch.status()).as(batch.body()).isEqualTo(202);
    List<String> ids =
        batch.json().getJsonArray("jobs").stream()
            .map(j -> ((JsonObject) j).getString("id"))
            .toList();
    assertThat(ids).hasSize(2);
    assertThat(
            ids.stream().map(id -> rest.awaitEnd(id, Duration.ofSeconds(60)).getString("stdout")))
        .containsExactly("one\n", "two\n");

    long before = rest.get("/api/v1/jobs?q=batch-refused").json().getJsonArray("jobs").size();
    Rest.Answer bad =
        rest.post(
            "/api/v1/jobs/batch",
            "{\"jobs\":[{\"command\":\"echo\",\"args\":[\"batch-refused\"]},"
                + "{\"command\":\"echo\",\"arg\":[\"x\"]},{\"command\":\"\"}]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("jobs[1].arg");
    Rest.Answer empty = rest.post("/api/v1/jobs/batch", "{\"jobs\":[{\"command\":\"\"}]}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("jobs[0].command");
    assertThat(rest.get("/api/v1/jobs?q=batch-refused").json().getJsonArray("jobs"))
        .hasSize((int) before);

    String many = "{\"command\":\"true\"},".repeat(1001);
    Rest.Answer tooMany =
        rest.post(
            "/api/v1/jobs/batch", "{\"jobs\":[" + many.substring(0, many.length() - 1) + "]}");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().getString("detail")).contains("from 1 to 1000 jobs, got 1001");
    Rest.Answer notABatch = rest.post("/api/v1/jobs/batch", "{\"command\":\"true\"}");
    assertThat(notABatch.status()).isEqualTo(400);
    assertThat(notABatch.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("command");
    // The body's bound is one submit's: twice MAX_JOB_SPEC_BYTES (1 MiB here), and a little more.
    Rest.Answer tooLarge =
        rest.post(
            "/api/v1/jobs/batch",
            "{\"jobs\":["
                + ("{\"command\":\"cat\",\"stdin\":\"" + "x".repeat(700_000) + "\"},").repeat(4)
                + "{}]}");
    assertThat(tooLarge.status()).isEqualTo(413);
  }

  @Test
  void listsBothWorkers() throws Exception {
    Rest.Answer answer = rest.get("/api/v1/workers");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.array())
        .extracting(w -> ((JsonObject) w).getString("id"))
        .containsExactly("worker-1", "worker-2");
    assertThat(answer.array())
        .allSatisfy(
            w -> {
              assertThat(((JsonObject) w).getString("state")).isEqualTo("READY");
              assertThat(((JsonObject) w).getJsonArray("executors"))
                  .extracting(e -> ((JsonString) e).getString())
                  .contains("command");
            });
  }

  @Test
  void runsCommandsOnBothWorkers() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(rest.submit("{\"command\":\"sh\",\"args\":[\"-c\",\"echo $0\",\"" + i + "\"]}"));
    }
    Set<String> workers = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      JsonObject job = rest.awaitEnd(ids.get(i), Duration.ofSeconds(30));
      assertThat(job.getString("status")).isEqualTo("SUCCEEDED");
      assertThat(job.getString("stdout")).isEqualTo(i + "\n");
      workers.add(job.getString("worker"));
    }
    assertThat(workers).containsExactlyInAnyOrder("worker-1", "worker-2");
  }

  @Test
  void reportsAMissingCommandAsFailedWith127() throws Exception {
    JsonObject job =
        rest.awaitEnd(
            rest.submit("{\"command\":\"no-such-command-here\"}"), Duration.ofSeconds(30));
    assertThat(job.getString("status")).isEqualTo("FAILED");
    assertThat(job.getInt("exitCode")).isEqualTo(127);
    assertThat(job.getString("error")).isEqualTo("command not found: no-such-command-here");
  }

  @Test
  void endsATimedOutCommand() throws Exception {
    JsonObject job =
        rest.awaitEnd(
            rest.submit("{\"command\":\"sleep\",\"args\":[\"60\"],\"timeoutSeconds\":1}"),
            Duration.ofSeconds(30));
    assertThat(job.getString("status")).isEqualTo("TIMED_OUT");
    assertThat(job.getString("error")).contains("timed out after 1 s");
  }

  @Test
  void answersBadInputWithAProblemNamingTheField() throws Exception {
    Rest.Answer answer = rest.post("/api/v1/jobs", "{\"command\":\"ls\",\"env\":{\"1BAD\":\"x\"}}");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.contentType()).startsWith("application/problem+json");
    assertThat(answer.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("env.1BAD");

    Rest.Answer notJson = rest.post("/api/v1/jobs", "{oops");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().getString("detail")).startsWith("the body is not valid JSON");

    Rest.Answer unknown = rest.get("/api/v1/jobs/does-not-exist");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("detail")).isEqualTo("no job with id does-not-exist");
  }

  @Test
  void runsACommandSubmittedThroughGrpc() throws Exception {
    ManagedChannel channel =
        io.grpc.Grpc.newChannelBuilder(
                cluster.masterGrpc(), io.grpc.InsecureChannelCredentials.create())
            .intercept(Clusters.asAdmin(cluster))
            .build();
    try {
      MasterServiceGrpc.MasterServiceBlockingStub master =
          MasterServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
      Job submitted =
          master
              .submit(
                  SubmitRequest.newBuilder()
                      .setSpec(TaskSpec.newBuilder().setCommand("echo").addArgs("via grpc"))
                      .build())
              .getJob();
      Job[] last = new Job[1];
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                last[0] =
                    MasterServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getJob(GetJobRequest.newBuilder().setJobId(submitted.getId()).build());
                return last[0].getStatus() == JobStatus.JOB_STATUS_SUCCEEDED;
              });
      assertThat(last[0].getStdout().toStringUtf8()).isEqualTo("via grpc\n");

      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .check(
                  HealthCheckRequest.newBuilder().setService("distexec.v1.MasterService").build());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void restartWithoutANameSaysWhichServersThereAre() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.script("restart"))
        .hasMessageContaining("restart which server? one of: master worker-1 worker-2");
  }

  @Test
  void everyServerAnswersItsProbes() throws Exception {
    for (String base :
        List.of(cluster.masterManagementUrl(), cluster.workerUrl(1), cluster.workerUrl(2))) {
      Rest probes = new Rest(base);
      for (String probe : List.of("/health/started", "/health/live", "/health/ready")) {
        Rest.Answer answer = probes.get(probe);
        assertThat(answer.status()).as(base + probe + ": " + answer.body()).isEqualTo(200);
        assertThat(answer.json().getString("status")).isEqualTo("UP");
      }
    }
  }

  @Test
  void everyServerServesPrometheusMetrics() throws Exception {
    Rest.Answer master = new Rest(cluster.masterManagementUrl()).get("/metrics");
    assertThat(master.status()).isEqualTo(200);
    assertThat(master.body())
        .containsPattern("distexec_workers\\{mp_scope=\"application\",?} 2(\\.0)?\n")
        .contains("distexec_jobs_queued")
        .contains("distexec_tasks_in_flight")
        .contains("jvm_uptime_seconds");
    Rest.Answer worker = new Rest(cluster.workerUrl(1)).get("/metrics");
    assertThat(worker.status()).isEqualTo(200);
    assertThat(worker.body())
        .containsPattern("distexec_tasks_slots\\{mp_scope=\"application\",?} 10(\\.0)?\n")
        .contains("distexec_tasks_active");
  }

  @Test
  void keepsMetricsProbesAndOpenApiOffTheApiPortAndTheApiOffTheManagementPort() throws Exception {
    Rest management = new Rest(cluster.masterManagementUrl());
    Rest.Answer openapi = management.get("/openapi");
    assertThat(openapi.status()).isEqualTo(200);
    assertThat(openapi.body()).contains("/api/v1/jobs");
    assertThat(management.get("/api/v1/jobs").status()).isEqualTo(404);
    // The API port: everything is the API's, which needs a credential; Liberty's own endpoints
    // are not there at all, with or without one.
    Rest api = new Rest(cluster);
    for (String path : List.of("/metrics", "/openapi", "/openapi/ui", "/health/ready")) {
      assertThat(api.get(path).status()).as(path).isEqualTo(404);
    }
    Rest.Answer anonymous = new Rest(cluster.masterUrl()).get("/metrics");
    assertThat(anonymous.status()).isIn(401, 404);
    assertThat(anonymous.body()).doesNotContain("jvm_uptime_seconds");
    // The API answers whatever port the Host header names, or none (a proxy in front, a client
    // that leaves it out); Liberty's endpoints are not behind any of them.
    int apiPort = java.net.URI.create(cluster.masterUrl()).getPort();
    for (String host : List.of("127.0.0.1", "127.0.0.1:" + apiPort, "api.example.com:443")) {
      assertThat(statusLine(apiPort, "/api/v1/jobs", host)).as(host).contains(" 401 ");
      assertThat(statusLine(apiPort, "/metrics", host)).as(host).contains(" 404 ");
    }
  }

  /** The status line of a GET with the given Host header (HttpClient will not set one). */
  private static String statusLine(int port, String path, String host) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void refusesOversizedBodiesWith413BeforeReadingThemAndKeepsServing() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI jobs = URI.create(cluster.masterUrl() + "/api/v1/jobs");
    String twelveMegabytes = "{\"command\":\"echo\",\"args\":[\"" + "a".repeat(12_000_000) + "\"]}";
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(jobs)
                .header("Authorization", cluster.adminAuthorization())
                .header("Content-Type", "application/json")
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString(twelveMegabytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Rest.parse(refused.body()).asJsonObject().getString("detail"))
        .isEqualTo(
            "the body is "
                + twelveMegabytes.length()
                + " bytes; at most 2162688 bytes are taken (twice"
                + " MAX_JOB_SPEC_BYTES): pass large input as a file the worker can read");

    // 200 MB without a length: read up to the bound, then refused; the heap never holds it.
    long size = 200L * 1024 * 1024;
    try {
      HttpResponse<String> streamed =
          http.send(
              HttpRequest.newBuilder(jobs)
                  .header("Authorization", cluster.adminAuthorization())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(size)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(streamed.statusCode()).isEqualTo(413);
    } catch (IOException e) {
      // The server may close the connection on the rest of a refused body: refused all the same.
    }
    double heap = cluster.metric("memory_usedHeap_bytes");
    double max = cluster.metric("memory_maxHeap_bytes");
    assertThat(heap).isLessThan(0.75 * max);
    String id = rest.submit("{\"command\":\"echo\",\"args\":[\"still here\"]}");
    assertThat(rest.awaitEnd(id, Duration.ofSeconds(30)).getString("status"))
        .isEqualTo("SUCCEEDED");
  }

  @Test
  void aJobOverItsLimitsIsABadRequestNamingThePartAndTheLimit() throws Exception {
    Rest.Answer tooBig =
        rest.post(
            "/api/v1/jobs", "{\"command\":\"cat\",\"stdin\":\"" + "x".repeat(1_100_000) + "\"}");
    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(tooBig.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("spec");
    assertThat(tooBig.json().getString("detail")).contains("at most 1048576 (MAX_JOB_SPEC_BYTES)");

    Rest.Answer longKey =
        rest.post("/api/v1/jobs", "{\"command\":\"true\"}", null, "k".repeat(300));
    assertThat(longKey.status()).isEqualTo(400);
    assertThat(longKey.json().getString("detail"))
        .isEqualTo("Idempotency-Key: must be at most 255 characters, got 300");
  }

  @Test
  void everyBadQueryParameterIsABadRequestNeverAServerError() throws Exception {
    String id = rest.submit("{\"command\":\"true\"}");
    for (String path :
        List.of(
            "/api/v1/jobs?since=99999999999999999999d",
            "/api/v1/jobs?since=9999999999999d",
            "/api/v1/jobs?since=yesterday",
            "/api/v1/jobs?limit=0",
            "/api/v1/jobs?limit=abc",
            "/api/v1/jobs?status=NOPE",
            "/api/v1/jobs?cursor=not-a-cursor",
            "/api/v1/jobs/" + id + "/output?tail=abc",
            "/api/v1/jobs/" + id + "/output?tail=-1",
            "/api/v1/jobs/" + id + "/output?stream=both",
            "/api/v1/jobs/" + id + "/events?after=abc")) {
      Rest.Answer answer = rest.get(path);
      assertThat(answer.status()).as(path).isEqualTo(400);
      assertThat(answer.contentType()).as(path).startsWith("application/problem+json");
    }
    Rest.Answer longReason =
        rest.post("/api/v1/jobs/" + id + "/cancel?reason=" + "r".repeat(1001), "");
    assertThat(longReason.status()).isEqualTo(400);
    // The console's filters: each refusal names the parameter to fix.
    Rest.Answer longText = rest.get("/api/v1/jobs?q=" + "x".repeat(201));
    assertThat(longText.status()).isEqualTo(400);
    JsonObject textError = longText.json().getJsonArray("errors").getJsonObject(0);
    assertThat(textError.getString("field")).isEqualTo("q");
    assertThat(textError.getString("message")).isEqualTo("at most 200 characters");
    Rest.Answer badUntil = rest.get("/api/v1/jobs?until=tomorrow");
    assertThat(badUntil.status()).isEqualTo(400);
    assertThat(badUntil.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("until");
  }

  @Test
  void grpcRefusesAnOversizedSubmitBeforeReadingItAndAnOverLimitSpecAsInvalid() throws Exception {
    ManagedChannel channel =
        io.grpc.Grpc.newChannelBuilder(
                cluster.masterGrpc(), io.grpc.InsecureChannelCredentials.create())
            .intercept(Clusters.asAdmin(cluster))
            .build();
    try {
      MasterServiceGrpc.MasterServiceBlockingStub master =
          MasterServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertThatThrownBy(
              () ->
                  master.submit(
                      SubmitRequest.newBuilder()
                          .setSpec(
                              TaskSpec.newBuilder()
                                  .setCommand("cat")
                                  .setStdin(ByteString.copyFrom(new byte[12_000_000])))
                          .build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
      assertThatThrownBy(
              () ->
                  master.submit(
                      SubmitRequest.newBuilder()
                          .setSpec(
                              TaskSpec.newBuilder()
                                  .setCommand("cat")
                                  .setStdin(ByteString.copyFrom(new byte[1_100_000])))
                          .build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains("MAX_JOB_SPEC_BYTES");
              });
    } finally {
      channel.shutdownNow();
    }
  }

  /** {@code size} zero bytes, made as they are read. */
  private static final class Zeros extends InputStream {
    private long left;

    Zeros(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      return left-- > 0 ? 0 : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(length, left);
      java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
