package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.distexec.common.ClusterTls;
import io.distexec.proto.v1.DeregisterRequest;
import io.distexec.proto.v1.ExecuteTaskRequest;
import io.distexec.proto.v1.RegisterRequest;
import io.distexec.proto.v1.RegistrationServiceGrpc;
import io.distexec.proto.v1.TaskSpec;
import io.distexec.proto.v1.WorkerServiceGrpc;
import io.distexec.testing.LocalCluster;
import io.distexec.testing.PostgresServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API of a real cluster (on PostgreSQL, so that the test can read and edit the database as
 * an intruder would): every path without a credential, with a forged one, with each role; revoked
 * tokens; secrets erased from the store; an edited audit entry detected.
 */
class SecurityIT {

  private static LocalCluster cluster;
  private static String database;
  private static Rest admin;
  private static final Map<String, String> TOKENS = new LinkedHashMap<>();
  private static String jobId;
  private static final String IDP = "https://idp.security-it.example";
  private static final java.security.KeyPair IDP_KEY = io.distexec.testing.Jwts.rsaKeyPair();

  @BeforeAll
  static void start() throws Exception {
    database = PostgresServer.get().newDatabase();
    Path idpKey = java.nio.file.Files.createTempFile("idp", ".pem");
    java.nio.file.Files.writeString(idpKey, io.distexec.testing.Jwts.pem(IDP_KEY.getPublic()));
    cluster =
        Clusters.start(
            "security-it",
            1,
            // TASK_USER "": the worker's own default (nobody, when the test runs as root).
            Map.of(
                "STORE_URL",
                database,
                "STORE_USER",
                "distexec",
                "TASK_USER",
                "",
                // An identity provider of the test's own, whose JWTs the master accepts.
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                idpKey.toString(),
                "MP_JWT_VERIFY_ISSUER",
                IDP,
                // The API (REST and gRPC) over TLS, from a certificate of the cluster's CA.
                "API_TLS",
                "1"));
    admin = new Rest(cluster);
    for (String role : List.of("viewer", "submitter", "operator", "admin")) {
      Rest.Answer made =
          admin.post(
              "/api/v1/tokens", "{\"name\":\"" + role + "-1\",\"roles\":[\"" + role + "\"]}");
      assertThat(made.status()).as(made.body()).isEqualTo(201);
      TOKENS.put(role, made.json().getString("secret"));
    }
    jobId = as("submitter").submit("{\"command\":\"echo\",\"args\":[\"hi\"]}");
    admin.awaitEnd(jobId, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Rest as(String role) {
    return admin.as(role == null ? null : "Bearer " + TOKENS.get(role));
  }

  /** A REST call, and the roles that may make it. */
  private record Call(String method, String path, String body, Set<String> allowed) {
    Rest.Answer by(Rest rest) throws Exception {
      return switch (method) {
        case "GET" -> rest.get(path);
        case "POST" -> rest.post(path, body);
        default -> rest.delete(path);
      };
    }
  }

  private static List<Call> calls() {
    Set<String> readers = Set.of("viewer", "submitter", "operator", "admin");
    return List.of(
        new Call("POST", "/api/v1/jobs", "{\"command\":\"true\"}", Set.of("submitter", "admin")),
        new Call("GET", "/api/v1/jobs", null, readers),
        new Call("GET", "/api/v1/jobs/" + jobId, null, readers),
        new Call("GET", "/api/v1/jobs/" + jobId + "/output", null, readers),
        new Call("GET", "/api/v1/jobs/" + jobId + "/events", null, readers),
        new Call(
            "POST",
            "/api/v1/jobs/" + jobId + "/cancel",
            "",
            Set.of("submitter", "operator", "admin")),
        new Call("POST", "/api/v1/jobs/" + jobId + "/rerun", "", Set.of("submitter", "admin")),
        new Call("GET", "/api/v1/me", null, readers),
        new Call("GET", "/api/v1/overview", null, readers),
        new Call("GET", "/api/v1/workers", null, Set.of("viewer", "operator", "admin")),
        new Call("GET", "/api/v1/cluster", null, Set.of("viewer", "operator", "admin")),
        new Call("GET", "/api/v1/scaler", null, Set.of("viewer", "operator", "admin")),
        new Call("POST", "/api/v1/workers/nope/drain", "", Set.of("operator", "admin")),
        new Call("POST", "/api/v1/tokens", "{\"name\":\"\",\"roles\":[]}", Set.of("admin")),
        new Call("GET", "/api/v1/tokens", null, Set.of("admin")),
        new Call("DELETE", "/api/v1/tokens/nope", null, Set.of("admin")),
        new Call("GET", "/api/v1/audit", null, Set.of("admin")),
        new Call("GET", "/api/v1/audit/verify", null, Set.of("admin")));
  }

  @Test
  void everyPathNeedsATokenAndTheRightRole() throws Exception {
    for (Call call : calls()) {
      String what = call.method() + " " + call.path();
      Rest.Answer none = call.by(as(null));
      assertThat(none.status()).as(what + " without a token").isEqualTo(401);
      assertThat(none.contentType()).isEqualTo("application/problem+json");
      assertThat(none.json().getString("detail")).contains("Authorization: Bearer");
      assertThat(call.by(admin.as("Bearer dxt_forged" + "x".repeat(40))).status())
          .as(what + " with a forged token")
          .isEqualTo(401);
      for (String role : TOKENS.keySet()) {
        Rest.Answer answer = call.by(as(role));
        if (call.allowed().contains(role)) {
          assertThat(answer.status())
              .as(what + " as " + role + ": " + answer.body())
              .isNotIn(401, 403);
        } else {
          assertThat(answer.status()).as(what + " as " + role).isEqualTo(403);
          assertThat(answer.json().getString("detail")).contains("needs the role");
        }
      }
    }
  }

  /**
   * The console's overview stream: a token is needed (it is not in the path table above because an
   * allowed call never ends), and at most 64 are open at once; a closed one frees its place.
   */
  @Test
  void theOverviewStreamNeedsATokenAndIsBounded() throws Exception {
    String path = "/api/v1/overview/events";
    HttpResponse<InputStream> anonymous = as(null).stream(path);
    anonymous.body().close();
    assertThat(anonymous.statusCode()).isEqualTo(401);
    List<HttpResponse<InputStream>> open = new ArrayList<>();
    try {
      for (int i = 0; i < 64; i++) {
        HttpResponse<InputStream> stream = as("viewer").stream(path);
        open.add(stream);
        assertThat(stream.statusCode()).as("stream %d", i + 1).isEqualTo(200);
      }
      HttpResponse<InputStream> refused = as("viewer").stream(path);
      String body = new String(refused.body().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(refused.statusCode()).as(body).isEqualTo(429);
      assertThat(body).contains("64 overview streams open already");
    } finally {
      for (HttpResponse<InputStream> stream : open) {
        stream.body().close();
      }
    }
    // The master sees a closed stream at its next send (every two seconds) and lets it go.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              HttpResponse<InputStream> again = as("viewer").stream(path);
              again.body().close();
              return again.statusCode() == 200;
            });
  }

  private static String jwt(long expiresIn, List<String> groups) {
    long now = java.time.Instant.now().getEpochSecond();
    return io.distexec.testing.Jwts.sign(
        IDP_KEY.getPrivate(),
        Map.of(
            "iss",
            IDP,
            "sub",
            "u-42",
            "upn",
            "carol@example.com",
            "iat",
            now,
            "exp",
            now + expiresIn,
            "groups",
            groups));
  }

  @Test
  void jwtsOfTheIdentityProviderAuthenticateWithTheRolesOfTheirGroups() throws Exception {
    Rest carol = admin.as("Bearer " + jwt(300, List.of("distexec-submitter")));
    String id = carol.submit("{\"command\":\"true\"}");
    assertThat(admin.get("/api/v1/jobs/" + id).json().getString("owner"))
        .isEqualTo("carol@example.com");
    assertThat(carol.get("/api/v1/workers").status()).isEqualTo(403);
    // gRPC takes the same JWT.
    try (io.distexec.client.DistexecClient client =
        io.distexec.client.DistexecClient.connect(
            cluster.masterGrpc(),
            Duration.ofSeconds(10),
            jwt(300, List.of("distexec-submitter")),
            cluster.apiCa())) {
      assertThat(client.get(id).id()).isEqualTo(id);
    }

    Rest.Answer expired =
        admin.as("Bearer " + jwt(-3600, List.of("submitter"))).get("/api/v1/jobs");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.json().getString("detail")).contains("expired");
    String forged =
        io.distexec.testing.Jwts.sign(
            io.distexec.testing.Jwts.rsaKeyPair().getPrivate(),
            Map.of(
                "iss",
                IDP,
                "upn",
                "carol@example.com",
                "exp",
                java.time.Instant.now().getEpochSecond() + 300));
    assertThat(admin.as("Bearer " + forged).get("/api/v1/jobs").status()).isEqualTo(401);
    assertThat(admin.as("Bearer " + jwt(300, List.of("staff"))).get("/api/v1/jobs").status())
        .isEqualTo(403);
  }

  @Test
  void aCrossOriginBrowserRequestIsRefusedEvenWithAToken() throws Exception {
    Rest.Answer crossSite = admin.get("/api/v1/jobs", "Origin", "http://evil.example");
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(crossSite.json().getString("detail")).contains("cross-origin");
    String own = cluster.masterUrl();
    assertThat(admin.get("/api/v1/jobs", "Origin", own).status()).isEqualTo(200);
  }

  @Test
  void aRevokedTokenIsRefusedFromThenOn() throws Exception {
    Rest.Answer made =
        admin.post("/api/v1/tokens", "{\"name\":\"short-lived\",\"roles\":[\"viewer\"]}");
    Rest viewer = admin.as("Bearer " + made.json().getString("secret"));
    assertThat(viewer.get("/api/v1/jobs").status()).isEqualTo(200);
    assertThat(admin.delete("/api/v1/tokens/short-lived").status()).isEqualTo(204);
    assertThat(viewer.get("/api/v1/jobs").status()).isEqualTo(401);
    // The listing shows it revoked, and never a secret or hash.
    String listing = admin.get("/api/v1/tokens").body();
    assertThat(listing).contains("short-lived").doesNotContain("dxt_");
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    Rest.Answer made =
        admin.post(
            "/api/v1/tokens",
            "{\"name\":\"five-seconds\",\"roles\":[\"viewer\"],\"expiresInSeconds\":5}");
    assertThat(made.status()).isEqualTo(201);
    Instant expires = Instant.parse(made.json().getJsonObject("token").getString("expiresAt"));
    Rest viewer = admin.as("Bearer " + made.json().getString("secret"));
    assertThat(viewer.get("/api/v1/jobs").status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !Instant.now().isBefore(expires.plusMillis(100)));
    assertThat(viewer.get("/api/v1/jobs").status()).isEqualTo(401);
    // A lifetime out of bounds is a 400 that names the field.
    Rest.Answer tooLong =
        admin.post(
            "/api/v1/tokens",
            "{\"name\":\"ages\",\"roles\":[\"viewer\"],\"expiresInSeconds\":1e30}");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.body()).contains("expiresInSeconds");
  }

  @Test
  void envValuesAndStdinLeaveTheStoreWhenTheJobEnds() throws Exception {
    String id =
        as("submitter")
            .submit(
                "{\"command\":\"cat\",\"env\":{\"API_KEY\":\"hunter2-value\"},"
                    + "\"stdin\":\"stdin-secret\"}");
    JsonObject ended = admin.awaitEnd(id, Duration.ofSeconds(60));
    assertThat(ended.getString("status")).isEqualTo("SUCCEEDED");
    assertThat(ended.toString()).doesNotContain("hunter2-value");
    String stored;
    try (Connection c = DriverManager.getConnection(database, "distexec", "");
        PreparedStatement s =
            c.prepareStatement("SELECT spec_json, owner FROM jobs WHERE id = ?")) {
      s.setString(1, id);
      ResultSet rs = s.executeQuery();
      assertThat(rs.next()).isTrue();
      stored = rs.getString(1);
      assertThat(rs.getString(2)).isEqualTo("submitter-1");
    }
    String stdinBase64 =
        Base64.getEncoder().encodeToString("stdin-secret".getBytes(StandardCharsets.UTF_8));
    assertThat(stored)
        .contains("API_KEY")
        .doesNotContain("hunter2-value")
        .doesNotContain("stdin-secret")
        .doesNotContain(stdinBase64);
  }

  @Test
  void aRootWorkersTasksCannotReadItsEnvironmentOrFiles() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getProperty("user.name").equals("root"),
        "a worker changes the tasks' user only when it runs as root");
    String id =
        as("submitter")
            .submit(
                "{\"command\":\"sh\",\"args\":[\"-c\",\"id -un; pwd;"
                    + " cat /proc/$PPID/environ; ls "
                    + cluster.log("worker-1").getParent().getParent()
                    + "/server.env; cat "
                    + cluster.log("worker-1").getParent().getParent()
                    + "/server.env; cat "
                    + cluster.tlsDir().getParent().resolve("admin.token")
                    + "\"]}");
    JsonObject job = admin.awaitEnd(id, Duration.ofSeconds(60));
    JsonObject output = admin.get("/api/v1/jobs/" + id + "/output").json();
    assertThat(output.getString("stdout")).startsWith("nobody\n").contains("/distexec-task-");
    assertThat(output.getString("stderr"))
        .contains("environ: Permission denied")
        .contains("server.env: Permission denied")
        .contains("admin.token: Permission denied");
    assertThat(job.getString("status")).isEqualTo("FAILED");
  }

  @Test
  void masterAndWorkersAcceptOnlyEachOtherOverMutualTls(@TempDir Path rogue) throws Exception {
    String clusterAddress = "127.0.0.1:" + cluster.masterClusterPort();
    // A CA of the intruder's own, with certificates that claim the right roles.
    Process certs =
        new ProcessBuilder(
                Clusters.ROOT.resolve("scripts/cluster-certs.sh").toString(),
                rogue.toString(),
                "worker:rogue",
                "master:master")
            .redirectErrorStream(true)
            .start();
    assertThat(certs.waitFor()).isZero();
    RegisterRequest register =
        RegisterRequest.newBuilder()
            .setWorkerId("rogue")
            .setAddress("127.0.0.1:1")
            .setMaxConcurrentTasks(1000)
            .addExecutors("command")
            .build();
    List<ManagedChannel> channels = new java.util.ArrayList<>();
    try {
      ManagedChannel plaintext =
          Grpc.newChannelBuilder(clusterAddress, InsecureChannelCredentials.create()).build();
      ManagedChannel otherCa =
          Clusters.tlsChannel(clusterAddress, rogue.resolve("rogue"), ClusterTls.MASTER);
      ManagedChannel realWorker =
          Clusters.tlsChannel(
              clusterAddress, cluster.tlsDir().resolve("worker-1"), ClusterTls.MASTER);
      channels.addAll(List.of(plaintext, otherCa, realWorker));

      // No certificate, or one from another CA: no registration.
      assertThat(code(() -> registration(plaintext).register(register)))
          .isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(code(() -> registration(otherCa).register(register)))
          .isEqualTo(Status.Code.UNAVAILABLE);
      // A real worker's certificate speaks for that worker alone.
      assertThat(code(() -> registration(realWorker).register(register)))
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(
              code(
                  () ->
                      registration(realWorker)
                          .deregister(
                              DeregisterRequest.newBuilder().setWorkerId("worker-2").build())))
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(admin.get("/api/v1/workers").body()).contains("worker-1").doesNotContain("rogue");

      // A worker obeys only the master: not a caller without a certificate, not a "master" of
      // another CA, not another worker.
      String worker = cluster.workerGrpc(1);
      ManagedChannel workerPlain =
          Grpc.newChannelBuilder(worker, InsecureChannelCredentials.create()).build();
      ManagedChannel fakeMaster =
          Clusters.tlsChannel(worker, rogue.resolve("master"), ClusterTls.WORKER);
      ManagedChannel asWorker =
          Clusters.tlsChannel(worker, cluster.tlsDir().resolve("worker-1"), ClusterTls.WORKER);
      channels.addAll(List.of(workerPlain, fakeMaster, asWorker));
      ExecuteTaskRequest task =
          ExecuteTaskRequest.newBuilder()
              .setTaskId("intruder-1")
              .setJobId("intruder")
              .setAttempt(1)
              .setSpec(TaskSpec.newBuilder().setCommand("id"))
              .build();
      assertThat(code(() -> execute(workerPlain, task))).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(code(() -> execute(fakeMaster, task))).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(code(() -> execute(asWorker, task))).isEqualTo(Status.Code.PERMISSION_DENIED);
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  @Test
  void theApiServesTlsOnlyAndRegistrationIsNotOnIt(@TempDir Path otherCa) throws Exception {
    assertThat(cluster.masterUrl()).startsWith("https://");
    // REST: plain HTTP on the API's port gets no answer.
    String plainUrl = cluster.masterUrl().replace("https://", "http://") + "/api/v1/jobs";
    assertThatThrownBy(() -> new Rest(plainUrl.replace("/api/v1/jobs", "")).get("/api/v1/jobs"))
        .isInstanceOf(java.io.IOException.class);

    // gRPC: a plaintext client, and one that trusts another CA, do not get through; one that
    // trusts the cluster's CA does, with its token.
    String ownCa = cluster.apiCa().toString();
    Process certs =
        new ProcessBuilder(
                "bash",
                Clusters.ROOT.resolve("scripts/cluster-certs.sh").toString(),
                otherCa.toString(),
                "api:api")
            .redirectErrorStream(true)
            .start();
    certs.getInputStream().readAllBytes();
    assertThat(certs.waitFor()).isZero();
    for (Path untrusted : java.util.Arrays.asList(null, otherCa.resolve("ca.crt"))) {
      try (io.distexec.client.DistexecClient client =
          io.distexec.client.DistexecClient.connect(
              cluster.masterGrpc(), Duration.ofSeconds(5), TOKENS.get("admin"), untrusted)) {
        assertThatThrownBy(client::workers)
            .as(String.valueOf(untrusted))
            .isInstanceOf(io.distexec.client.DistexecException.MasterUnavailableException.class);
      }
    }
    try (io.distexec.client.DistexecClient client =
        io.distexec.client.DistexecClient.connect(
            cluster.masterGrpc(), Duration.ofSeconds(5), TOKENS.get("admin"), Path.of(ownCa))) {
      assertThat(client.workers()).hasSize(1);
    }

    // Workers register on the cluster port only: the client port does not offer registration.
    ManagedChannel api =
        Grpc.newChannelBuilder(
                cluster.masterGrpc(),
                io.grpc.TlsChannelCredentials.newBuilder()
                    .trustManager(new java.io.File(ownCa))
                    .build())
            .build();
    try {
      assertThat(
              code(
                  () ->
                      registration(api)
                          .register(
                              RegisterRequest.newBuilder()
                                  .setWorkerId("rogue")
                                  .setAddress("127.0.0.1:1")
                                  .setMaxConcurrentTasks(1)
                                  .addExecutors("command")
                                  .build())))
          .isEqualTo(Status.Code.UNIMPLEMENTED);
    } finally {
      api.shutdownNow();
    }
  }

  private static RegistrationServiceGrpc.RegistrationServiceBlockingStub registration(
      ManagedChannel channel) {
    return RegistrationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static void execute(ManagedChannel channel, ExecuteTaskRequest task) {
    WorkerServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .executeTask(task)
        .forEachRemaining(e -> {});
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void theAuditTrailRecordsChangesAndDetectsAnEditedEntry() throws Exception {
    Rest.Answer entries = admin.get("/api/v1/audit?limit=1000");
    assertThat(entries.body())
        .contains(
            "\"action\":\"token.create\"", "\"action\":\"job.submit\"", "\"actor\":\"submitter-1\"")
        .contains("\"address\":\"127.0.0.1\"");
    assertThat(admin.get("/api/v1/audit/verify").json().getBoolean("valid")).isTrue();

    try (Connection c = DriverManager.getConnection(database, "distexec", "");
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      s.executeUpdate("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2");
    }
    JsonObject verdict = admin.get("/api/v1/audit/verify").json();
    assertThat(verdict.getBoolean("valid")).isFalse();
    assertThat(verdict.getJsonNumber("brokenAt").longValue()).isEqualTo(2);
    assertThat(verdict.getString("problem")).isEqualTo("entry 2 was changed after it was written");
    // Put it back, for the other tests' verifications.
    try (Connection c = DriverManager.getConnection(database, "distexec", "");
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE audit_log SET actor = 'admin' WHERE seq = 2");
    }
    assertThat(admin.get("/api/v1/audit/verify").json().getBoolean("valid")).isTrue();
  }
}
