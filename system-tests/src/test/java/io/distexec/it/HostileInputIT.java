package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.RegisterRequest;
import io.distexec.proto.v1.RegistrationServiceGrpc;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.TaskSpec;
import io.distexec.testing.LocalCluster;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated hostile input against a running master: malformed and extreme REST bodies and query
 * strings, gRPC submits and registrations. Every answer is a 4xx or a status that says what to fix,
 * never a 5xx, INTERNAL or UNKNOWN; nothing is logged as SEVERE meanwhile; and the master still
 * runs a normal job afterwards (checked by {@link #theMasterStillServes}, which runs last).
 */
class HostileInputIT {

  // Per property, randomized anew each run (so runs add up); 4 x 2,500 keep the CI within its time.
  private static final int TRIES = 2_500;
  private static final Set<Status.Code> FINE =
      Set.of(
          Status.Code.OK,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ALREADY_EXISTS,
          Status.Code.NOT_FOUND,
          Status.Code.FAILED_PRECONDITION);

  private static LocalCluster cluster;
  private static Rest rest;
  private static HttpClient http;
  private static ManagedChannel channel;
  private static ManagedChannel clusterChannel;
  private static long logStart;

  @BeforeContainer
  static void start() throws Exception {
    // Tasks may run only `echo`: an accepted junk job fails fast without a process.
    cluster = Clusters.start("hostile-input-it", 1, Map.of("COMMAND_ALLOWLIST", "echo"));
    rest = new Rest(cluster);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    channel =
        Grpc.newChannelBuilder(cluster.masterGrpc(), InsecureChannelCredentials.create())
            .intercept(Clusters.asAdmin(cluster))
            .build();
    // Registrations come over the cluster port, with a worker's certificate (validation comes
    // before the check that the id is the certificate's).
    clusterChannel =
        Clusters.tlsChannel(
            "127.0.0.1:" + cluster.masterClusterPort(),
            cluster.tlsDir().resolve("worker-1"),
            io.distexec.common.ClusterTls.MASTER);
    logStart = Files.size(cluster.log("master"));
  }

  @AfterContainer
  static void stop() throws Exception {
    try {
      theMasterStillServes();
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (clusterChannel != null) {
        clusterChannel.shutdownNow();
      }
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** After all of it: ready, nothing SEVERE in the log, and a normal job succeeds. */
  static void theMasterStillServes() throws Exception {
    assertThat(
            http.send(
                    HttpRequest.newBuilder(
                            URI.create(cluster.masterManagementUrl() + "/health/ready"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(200);
    String log = Files.readString(cluster.log("master")).substring((int) logStart);
    assertThat(
            log.lines()
                .filter(l -> l.contains(" E ") || l.contains("SEVERE"))
                // Liberty's web container refusing a URI with an encoded dot itself (400): its own
                // line, logged before the application sees the request.
                .filter(l -> !l.contains("CWWWC0005I"))
                .toList())
        .as("SEVERE lines in the master's log during the run")
        .isEmpty();
    String id = rest.submit("{\"command\":\"echo\",\"args\":[\"still fine\"]}");
    assertThat(rest.awaitEnd(id, Duration.ofSeconds(60)).getString("status"))
        .isEqualTo("SUCCEEDED");
  }

  @Property(tries = TRIES, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
  void restBodiesGetA4xxOrAreAccepted(@ForAll("bodies") String body) throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(cluster.masterUrl() + "/api/v1/jobs"))
                .header("Authorization", cluster.adminAuthorization())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode())
        .as(body.length() > 300 ? body.substring(0, 300) : body)
        .isIn(200, 202, 400, 409, 413, 429);
  }

  @Property(tries = TRIES, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
  void queryStringsGetA4xxOrAnAnswer(@ForAll("paths") String path) throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(cluster.masterUrl() + path))
                .header("Authorization", cluster.adminAuthorization())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(path).isIn(200, 202, 400, 404, 405, 409, 429);
  }

  @Property(tries = TRIES, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
  void grpcSubmitsGetAStatusThatSaysWhatToFix(@ForAll("submits") SubmitRequest request) {
    try {
      MasterServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .submit(request);
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isIn(FINE);
    }
  }

  @Property(tries = TRIES, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
  void malformedRegistrationsAreRefusedAsInvalid(@ForAll("registrations") RegisterRequest request) {
    try {
      RegistrationServiceGrpc.newBlockingStub(clusterChannel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .register(request);
      throw new AssertionError("a malformed registration was accepted: " + request.getWorkerId());
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode())
          .as(e.getStatus().toString())
          .isIn(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
    }
  }

  // ---- generators ----

  /** Mostly short, now and then huge (past every limit): a few GB would make no better test. */
  @SuppressWarnings("unchecked")
  private static Arbitrary<String> text() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(40, Arbitraries.strings().ofMaxLength(40)),
        net.jqwik.api.Tuple.of(25, Arbitraries.strings().all().ofMaxLength(200)),
        net.jqwik.api.Tuple.of(
            15, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(20)),
        net.jqwik.api.Tuple.of(
            1, Arbitraries.integers().between(1_000_000, 3_000_000).map("x"::repeat)),
        net.jqwik.api.Tuple.of(
            19,
            Arbitraries.of(
                "",
                "echo",
                "sh",
                "../../etc/passwd",
                "\u0000",
                "null",
                "-1",
                "1e309",
                "30m",
                "99999999999999999999d",
                "RUNNING",
                "stdout",
                "1000",
                "0")));
  }

  private static Arbitrary<String> jsonValue() {
    return Arbitraries.oneOf(
        text().map(HostileInputIT::quote),
        Arbitraries.of(
            "null",
            "true",
            "false",
            "0",
            "-1",
            "1.5",
            "1e309",
            "99999999999999999999",
            "[]",
            "{}",
            "[\"a\",1,null]",
            "{\"A\":1}",
            "{\"\":\"\"}",
            "[[[[[[[[[[]]]]]]]]]]"),
        Arbitraries.integers().between(0, 12_000).map(n -> "[" + "\"a\",".repeat(n) + "\"a\"]"));
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.of(
                "type",
                "command",
                "args",
                "env",
                "workdir",
                "stdin",
                "timeoutSeconds",
                "attributes",
                "shell",
                "maxAttempts",
                "retryOnExitCodes"),
            text());
    Arbitrary<String> object =
        Combinators.combine(key, jsonValue())
            .as((k, v) -> quote(k) + ":" + v)
            .list()
            .ofMaxSize(12)
            .map(fields -> "{" + String.join(",", fields) + "}");
    return Arbitraries.oneOf(object, object, text(), jsonValue());
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> param =
        Arbitraries.of(
            "status", "worker", "since", "limit", "cursor", "tail", "stream", "after", "reason");
    Arbitrary<String> query =
        Combinators.combine(param, text())
            .as(
                (p, v) ->
                    p
                        + "="
                        + URLEncoder.encode(
                            v.length() > 4000 ? v.substring(0, 4000) : v, StandardCharsets.UTF_8))
            .list()
            .ofMaxSize(4)
            .map(q -> String.join("&", q));
    Arbitrary<String> path =
        Arbitraries.of(
            "/api/v1/jobs",
            "/api/v1/jobs/nope",
            "/api/v1/jobs/nope/output",
            "/api/v1/jobs/nope/events",
            "/api/v1/workers",
            "/api/v1/jobs/%2e%2e/output");
    return Combinators.combine(path, query).as((p, q) -> p + "?" + q);
  }

  @Provide
  Arbitrary<SubmitRequest> submits() {
    Arbitrary<TaskSpec> spec =
        Combinators.combine(
                Arbitraries.of("", "command", "script", "gpu", "x".repeat(300)),
                text(),
                text().list().ofMaxSize(20),
                Combinators.combine(text(), text()).as(Map::entry).list().ofMaxSize(5),
                Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(90, Arbitraries.integers().between(-5, 100)),
                    net.jqwik.api.Tuple.of(5, Arbitraries.just(1_100_000)),
                    net.jqwik.api.Tuple.of(5, Arbitraries.just(3_000_000))),
                Arbitraries.integers(),
                Arbitraries.of(true, false))
            .as(
                (type, command, args, env, stdin, timeout, shell) -> {
                  TaskSpec.Builder b =
                      TaskSpec.newBuilder()
                          .setType(type)
                          .setCommand(command)
                          .addAllArgs(args)
                          .setStdin(ByteString.copyFrom(new byte[Math.max(0, stdin)]))
                          .setTimeoutSeconds(timeout)
                          .setShell(shell);
                  env.forEach(e -> b.putEnv(e.getKey(), e.getValue()));
                  return b.build();
                });
    return Combinators.combine(
            spec,
            Arbitraries.integers(),
            Arbitraries.integers().list().ofMaxSize(5),
            Arbitraries.oneOf(Arbitraries.just(""), text()))
        .as(
            (s, attempts, codes, key) ->
                SubmitRequest.newBuilder()
                    .setSpec(s)
                    .setMaxAttempts(attempts)
                    .addAllRetryOnExitCodes(codes)
                    .setIdempotencyKey(key)
                    .build());
  }

  /** Registrations with at least one thing wrong, and anything in the rest. */
  @Provide
  Arbitrary<RegisterRequest> registrations() {
    Arbitrary<RegisterRequest.Builder> anything =
        Combinators.combine(
                text(),
                Arbitraries.of("127.0.0.1:1", "nowhere", "", "[::1]:70000", "host:-1"),
                Arbitraries.integers(),
                text().list().ofMaxSize(3))
            .as(
                (id, address, slots, executors) ->
                    RegisterRequest.newBuilder()
                        .setWorkerId(id)
                        .setAddress(address)
                        .setMaxConcurrentTasks(slots)
                        .addAllExecutors(executors));
    Arbitrary<Integer> flaw = Arbitraries.integers().between(0, 5);
    return Combinators.combine(anything, flaw)
        .as(
            (b, which) ->
                switch (which) {
                  case 0 -> b.setWorkerId("").build();
                  case 1 -> b.setWorkerId("w".repeat(256)).build();
                  case 2 -> b.setWorkerId("bad id/../").build();
                  case 3 -> b.setAddress("no-port-here").build();
                  case 4 -> b.setMaxConcurrentTasks(Integer.MAX_VALUE).build();
                  default -> b.clearExecutors().build();
                });
  }

  private static String quote(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"').toString();
  }
}
