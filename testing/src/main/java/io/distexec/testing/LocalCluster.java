package io.distexec.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real local cluster (a master and workers as Liberty servers on 127.0.0.1), started with the
 * same {@code scripts/local-cluster.sh} users run, on free ports, in a folder of its own. The one
 * driver of local clusters for the system tests and the benchmark harness.
 */
public final class LocalCluster implements AutoCloseable {

  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(10);

  private final Path root;
  private final Path home;
  private final Map<String, String> env;
  private final int masterHttpPort;
  private final int masterGrpcPort;
  private final List<Integer> workerHttpPorts;
  private final HttpClient http = HttpClient.newHttpClient();

  private LocalCluster(
      Path root,
      Path home,
      Map<String, String> env,
      int masterHttpPort,
      int masterGrpcPort,
      List<Integer> workerHttpPorts) {
    this.root = root;
    this.home = home;
    this.env = env;
    this.masterHttpPort = masterHttpPort;
    this.masterGrpcPort = masterGrpcPort;
    this.workerHttpPorts = workerHttpPorts;
  }

  /**
   * Starts a master and {@code workers} workers in an emptied {@code home}; returns once all are
   * ready.
   *
   * @param root the distexec checkout (holds {@code scripts/} and the built {@code target/})
   * @param settings extra environment for the servers, e.g. {@code FAST_START=0} or {@code
   *     LOAD_BALANCER=round-robin}
   * @throws IllegalStateException with the script's output when the cluster does not start
   */
  public static LocalCluster start(Path root, Path home, int workers, Map<String, String> settings)
      throws IOException, InterruptedException {
    // A new cluster starts with an empty job store (the embedded one lives in DISTEXEC_HOME/data).
    delete(home);
    Files.createDirectories(home);
    int masters = Integer.parseInt(settings.getOrDefault("MASTERS", "1"));
    List<Integer> ports = FreePorts.take(4 + 2 * workers + 4 * (masters - 1) + 1);
    List<Integer> workerHttp = ports.subList(2, 2 + workers);
    Map<String, String> env = new HashMap<>(settings);
    if (masters > 1) {
      // master-2 ... take four ports each after the first master's and the workers'
      List<Integer> more = ports.subList(4 + 2 * workers, 4 + 2 * workers + 4 * (masters - 1));
      env.put("MASTER_HTTP_PORTS", ports.get(0) + " " + join(every(more, 0)));
      env.put("MASTER_GRPC_PORTS", ports.get(1) + " " + join(every(more, 1)));
      env.put("MASTER_CLUSTER_PORTS", ports.get(2 + 2 * workers) + " " + join(every(more, 2)));
      env.put("MASTER_MANAGEMENT_PORTS", ports.get(3 + 2 * workers) + " " + join(every(more, 3)));
      env.put("PG_PORT", ports.get(ports.size() - 1).toString());
    }
    env.put("DISTEXEC_HOME", home.toString());
    env.put("WORKERS", Integer.toString(workers));
    env.put("MASTER_HTTP_PORT", ports.get(0).toString());
    env.put("MASTER_GRPC_PORT", ports.get(1).toString());
    env.put("WORKER_HTTP_PORTS", join(workerHttp));
    env.put("WORKER_GRPC_PORTS", join(ports.subList(2 + workers, 2 + 2 * workers)));
    env.put("MASTER_CLUSTER_PORT", ports.get(2 + 2 * workers).toString());
    env.put("MASTER_MANAGEMENT_PORT", ports.get(3 + 2 * workers).toString());
    LocalCluster cluster =
        new LocalCluster(root, home, env, ports.get(0), ports.get(1), List.copyOf(workerHttp));
    try {
      String output = cluster.script("up");
      if (!output.contains("ready in")) {
        throw new IllegalStateException(
            "local-cluster.sh up did not report the cluster ready:\n" + output);
      }
    } catch (IOException | InterruptedException | RuntimeException startFailed) {
      // Stop whatever did start, or it outlives the caller.
      try {
        cluster.close();
      } catch (IOException | InterruptedException | RuntimeException stopFailed) {
        startFailed.addSuppressed(stopFailed);
      }
      throw startFailed;
    }
    return cluster;
  }

  private static void delete(Path folder) throws IOException {
    if (Files.exists(folder)) {
      try (Stream<Path> files = Files.walk(folder)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Every fourth port from {@code first}: one master's port of one kind. */
  private static List<Integer> every(List<Integer> ports, int first) {
    List<Integer> picked = new java.util.ArrayList<>();
    for (int i = first; i < ports.size(); i += 4) {
      picked.add(ports.get(i));
    }
    return picked;
  }

  private static String join(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(" "));
  }

  public String masterUrl() {
    return (apiTls() ? "https" : "http") + "://127.0.0.1:" + masterHttpPort;
  }

  /** The master's gRPC {@code host:port}. */
  public String masterGrpc() {
    return "127.0.0.1:" + masterGrpcPort;
  }

  /** The names of the masters: {@code master}, {@code master-2}, ... */
  public List<String> masters() {
    int n = Integer.parseInt(env.getOrDefault("MASTERS", "1"));
    List<String> names = new java.util.ArrayList<>(List.of("master"));
    for (int i = 2; i <= n; i++) {
      names.add("master-" + i);
    }
    return names;
  }

  private String masterPort(String kind, String name) {
    int index = masters().indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException("no master " + name + " in " + masters());
    }
    String list = env.get("MASTER_" + kind + "_PORTS");
    return list == null ? env.get("MASTER_" + kind + "_PORT") : list.split(" ")[index];
  }

  /** A master's REST base URL. */
  public String masterUrl(String name) {
    return (apiTls() ? "https" : "http") + "://127.0.0.1:" + masterPort("HTTP", name);
  }

  /** A master's gRPC {@code host:port}. */
  public String masterGrpc(String name) {
    return "127.0.0.1:" + masterPort("GRPC", name);
  }

  /** Every master's gRPC address, comma-separated, for a client that fails over between them. */
  public String mastersGrpc() {
    return masters().stream().map(this::masterGrpc).collect(Collectors.joining(","));
  }

  /** The JDBC URL of the PostgreSQL the masters share (MASTERS &gt; 1 without STORE_URL). */
  public String sharedStoreUrl() {
    return "jdbc:postgresql://127.0.0.1:" + env.get("PG_PORT") + "/distexec";
  }

  /** The password of the shared store's user, {@code distexec}. */
  public String sharedStorePassword() throws IOException {
    return Files.readString(home.resolve("postgres.password")).trim();
  }

  /** Sends a signal to one server's JVM ({@code STOP}, {@code CONT}). */
  public void signal(String server, String signal) throws IOException, InterruptedException {
    run(
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid(server)))
            .redirectErrorStream(true),
        "kill -" + signal + " " + server);
  }

  public int masterGrpcPort() {
    return masterGrpcPort;
  }

  /** The gRPC {@code host:port} of worker {@code index} (1-based). */
  public String workerGrpc(int index) {
    return "127.0.0.1:" + env.get("WORKER_GRPC_PORTS").split(" ")[index - 1];
  }

  /** The port workers register on, over mutual TLS. */
  public int masterClusterPort() {
    return Integer.parseInt(env.get("MASTER_CLUSTER_PORT"));
  }

  /** Bytes on disk of the embedded store (the masters' {@code DATA_DIR}); 0 with another store. */
  public long embeddedStoreBytes() throws IOException {
    Path data = home.resolve("data");
    if (!Files.isDirectory(data)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(data)) {
      return files.filter(Files::isRegularFile).mapToLong(LocalCluster::sizeOf).sum();
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0; // gone between the listing and now (a temporary file)
    }
  }

  /**
   * The folder of the cluster's TLS material ({@code scripts/cluster-certs.sh}): {@code ca.crt},
   * and {@code master/}, {@code worker-N/} with each server's certificate.
   */
  public Path tlsDir() {
    return home.resolve("tls");
  }

  /** Whether the master's API serves TLS (started with {@code API_TLS=1}). */
  public boolean apiTls() {
    return "1".equals(env.get("API_TLS"));
  }

  /** The CA certificate that the API's certificate is issued by (while it serves TLS). */
  public Path apiCa() {
    return home.resolve("api-ca.crt");
  }

  /**
   * TLS that trusts the API's CA alone, for an {@code HttpClient}; the JDK's default when the API
   * is plaintext.
   */
  public SSLContext apiSslContext() {
    try {
      if (!apiTls()) {
        return SSLContext.getDefault();
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(apiCa())) {
        trusted.setCertificateEntry(
            "distexec-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + apiCa() + ": " + e.getMessage(), e);
    }
  }

  /** The admin token the cluster script made for this cluster ({@code admin.token}). */
  public String adminToken() {
    try {
      return Files.readString(home.resolve("admin.token")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code Authorization} header value that calls as the admin. */
  public String adminAuthorization() {
    return "Bearer " + adminToken();
  }

  /** The HTTP base URL of worker {@code index} (1-based, as in {@code worker-1}). */
  public String workerUrl(int index) {
    return "http://127.0.0.1:" + workerHttpPorts.get(index - 1);
  }

  /**
   * The master's management port: health probes, {@code /metrics} and {@code /openapi}, which the
   * API port does not serve.
   */
  public String masterManagementUrl() {
    return "http://127.0.0.1:" + env.get("MASTER_MANAGEMENT_PORT");
  }

  /**
   * Where a server answers its health probes and {@code /metrics}: the master's management port, or
   * a worker's HTTP port (a worker serves nothing else over HTTP).
   */
  public String probeUrl(String server) {
    return server.startsWith("master")
        ? "http://127.0.0.1:" + masterPort("MANAGEMENT", server)
        : workerUrl(Integer.parseInt(server.substring(server.lastIndexOf('-') + 1)));
  }

  /** Runs the cluster script with this cluster's settings; returns its output. */
  public String script(String... arguments) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add("bash");
    command.add(root.resolve("scripts/local-cluster.sh").toString());
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return run(builder, "local-cluster.sh " + String.join(" ", arguments));
  }

  private static String run(ProcessBuilder builder, String what)
      throws IOException, InterruptedException {
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          what + " did not finish within " + SCRIPT_TIMEOUT.toMinutes() + " min:\n" + output);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          what + " failed (exit " + process.exitValue() + "):\n" + output);
    }
    return output;
  }

  public long pid(String server) {
    try {
      return Long.parseLong(
          Files.readString(home.resolve("usr/servers/.pid/" + server + ".pid")).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops one server the way an operator does (graceful: a worker drains and deregisters). */
  public void stop(String server) throws IOException, InterruptedException {
    run(serverCommand("stop", server), "server stop " + server);
  }

  /** Starts a server again (after {@link #stop} or {@link #kill}) and waits until it is ready. */
  public void restart(String server) throws IOException, InterruptedException {
    run(serverCommand("start", server), "server start " + server);
    awaitReady(probeUrl(server));
  }

  /** Kills the master with SIGKILL and starts it again; returns how long until it was ready. */
  public Duration killAndRestartMaster() throws IOException, InterruptedException {
    kill("master");
    long start = System.nanoTime();
    restart("master");
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private ProcessBuilder serverCommand(String action, String server) {
    ProcessBuilder builder =
        new ProcessBuilder(root.resolve("target/liberty/wlp/bin/server").toString(), action, server)
            .redirectErrorStream(true);
    builder.environment().put("WLP_USER_DIR", home.resolve("usr").toString());
    if (!server.startsWith("master")) {
      // As scripts/local-cluster.sh starts workers (start_server): without Liberty's bootstrap
      // agent, which keeps a JVM from writing the class archive the workers start from.
      builder.environment().put("WLP_SKIP_BOOTSTRAP_AGENT", "1");
    }
    return builder;
  }

  private void awaitReady(String baseUrl) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!ready(baseUrl)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            baseUrl + " not ready " + READY_TIMEOUT.toMinutes() + " min after its start");
      }
      Thread.sleep(200);
    }
  }

  private boolean ready(String baseUrl) throws InterruptedException {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** Kills one server's JVM with SIGKILL: no shutdown hooks, no deregistration. */
  public void kill(String server) {
    ProcessHandle.of(pid(server))
        .ifPresent(
            p -> {
              p.destroyForcibly();
              p.onExit().join();
            });
  }

  public Path log(String server) {
    return home.resolve("usr/servers/" + server + "/logs/messages.log");
  }

  /**
   * A gauge or counter from the master's /metrics (Prometheus text), summed over its labels. A
   * scrape now and then comes back cut short (the metrics handler logs SRVE8094W, seen once in a
   * bench run's thousands of scrapes), so a scrape without the figure is taken again, a few times,
   * before the figure is called missing.
   */
  public double metric(String name) throws IOException, InterruptedException {
    Pattern line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$");
    // distexec's own figures are the application scope: a twentieth of the whole text to export.
    String path = name.startsWith("distexec_") ? "/metrics?scope=application" : "/metrics";
    String problem = "";
    for (int attempt = 1; attempt <= 3; attempt++) {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create(masterManagementUrl() + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher m = line.matcher(answer.body());
      double sum = 0;
      boolean found = false;
      while (m.find()) {
        sum += Double.parseDouble(m.group(2));
        found = true;
      }
      if (found && answer.statusCode() == 200) {
        return sum;
      }
      problem = "status " + answer.statusCode() + ", " + answer.body().length() + " characters";
      Thread.sleep(100);
    }
    throw new IllegalStateException("the master's /metrics has no " + name + " (" + problem + ")");
  }

  /**
   * Waits until the master has no unfinished job, asking ten times a second: each answer costs the
   * master a few ms of CPU, and the bench's throughput runs wait here for their last thousand jobs
   * (asked 50 times a second, the metrics' export was 5 % of the master's samples in a profile).
   */
  public void awaitIdle(Duration atMost) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (metric("distexec_jobs_unfinished") > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("jobs still unfinished after " + atMost.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  /** Stops the cluster ({@code local-cluster.sh down}); kills whatever did not stop. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      script("down");
    } finally {
      Path pids = home.resolve("usr/servers/.pid");
      if (Files.isDirectory(pids)) {
        try (Stream<Path> files = Files.list(pids)) {
          files.forEach(
              p -> {
                try {
                  ProcessHandle.of(Long.parseLong(Files.readString(p).trim()))
                      .ifPresent(ProcessHandle::destroyForcibly);
                } catch (IOException | NumberFormatException e) {
                  // the server removed its pid file while stopping
                }
              });
        }
      }
    }
  }
}
