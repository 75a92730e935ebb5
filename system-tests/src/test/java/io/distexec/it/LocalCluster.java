package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.common.FreePorts;
import io.distexec.common.GrpcChannels;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real local cluster (a master and workers as Liberty servers on 127.0.0.1), started with the
 * same {@code scripts/local-cluster.sh} users run, on free ports, in a folder of its own.
 */
final class LocalCluster implements AutoCloseable {

  static final Path ROOT = Path.of(System.getProperty("distexec.root", "..")).toAbsolutePath().normalize();
  private static final Path SCRIPT = ROOT.resolve("scripts/local-cluster.sh");
  private static final Path WLP = ROOT.resolve("target/liberty/wlp");

  private final Path home;
  private final Map<String, String> env;
  final int masterHttpPort;
  final int masterGrpcPort;
  final List<Integer> workerHttpPorts;
  private final GrpcChannels grpc = new GrpcChannels("it");

  private LocalCluster(Path home, Map<String, String> env, int masterHttpPort, int masterGrpcPort,
      List<Integer> workerHttpPorts) {
    this.home = home;
    this.env = env;
    this.masterHttpPort = masterHttpPort;
    this.masterGrpcPort = masterGrpcPort;
    this.workerHttpPorts = workerHttpPorts;
  }

  /** Starts a master and {@code workers} workers with extra settings; returns once all are ready. */
  static LocalCluster start(String name, int workers, Map<String, String> settings) throws Exception {
    Path home = Path.of(System.getProperty("distexec.it.home", "target/it-clusters")).resolve(name).toAbsolutePath();
    Files.createDirectories(home);
    // A new cluster starts with an empty job store (the embedded one lives in DISTEXEC_HOME/data).
    Path data = home.resolve("data");
    if (Files.exists(data)) {
      try (var files = Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    List<Integer> ports = FreePorts.take(2 + 2 * workers);
    List<Integer> workerHttp = ports.subList(2, 2 + workers);
    List<Integer> workerGrpc = ports.subList(2 + workers, 2 + 2 * workers);
    Map<String, String> env = new HashMap<>(settings);
    env.put("DISTEXEC_HOME", home.toString());
    env.put("WORKERS", Integer.toString(workers));
    env.put("MASTER_HTTP_PORT", ports.get(0).toString());
    env.put("MASTER_GRPC_PORT", ports.get(1).toString());
    env.put("WORKER_HTTP_PORTS", join(workerHttp));
    env.put("WORKER_GRPC_PORTS", join(workerGrpc));
    LocalCluster cluster = new LocalCluster(home, env, ports.get(0), ports.get(1), List.copyOf(workerHttp));
    try {
      String output = cluster.script("up", Duration.ofMinutes(4));
      assertThat(output).contains("ready in");
    } catch (Throwable startFailed) {
      // Stop whatever did start, or it outlives the test run.
      try {
        cluster.close();
      } catch (Exception stopFailed) {
        startFailed.addSuppressed(stopFailed);
      }
      throw startFailed;
    }
    return cluster;
  }

  private static String join(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(" "));
  }

  String masterUrl() {
    return "http://127.0.0.1:" + masterHttpPort;
  }

  String workerUrl(int index) {
    return "http://127.0.0.1:" + workerHttpPorts.get(index - 1);
  }

  /** A channel to the master's gRPC endpoint; the caller shuts it down. */
  ManagedChannel masterChannel() {
    return grpc.open("127.0.0.1:" + masterGrpcPort);
  }

  /** Runs the cluster script with this cluster's settings; returns its output. */
  String script(String command, Duration timeout) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as(output).isTrue();
    assertThat(process.exitValue()).as("local-cluster.sh %s:%n%s", command, output).isZero();
    return output;
  }

  long pid(String server) {
    try {
      return Long.parseLong(Files.readString(home.resolve("usr/servers/.pid/" + server + ".pid")).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops one server the way an operator does (graceful: a worker drains and deregisters). */
  void stop(String server) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(WLP.resolve("bin/server").toString(), "stop", server)
        .redirectErrorStream(true);
    builder.environment().put("WLP_USER_DIR", home.resolve("usr").toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(output).isTrue();
  }

  /** Starts a server again (after {@link #stop} or {@link #kill}) and waits until it is ready. */
  void restart(String server, String readyUrl) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(WLP.resolve("bin/server").toString(), "start", server)
        .redirectErrorStream(true);
    builder.environment().put("WLP_USER_DIR", home.resolve("usr").toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(readyUrl + "/health/ready")).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  /** Kills one server's JVM with SIGKILL: no shutdown hooks, no deregistration. */
  void kill(String server) {
    ProcessHandle.of(pid(server)).ifPresent(p -> {
      p.destroyForcibly();
      p.onExit().join();
    });
  }

  Path log(String server) {
    return home.resolve("usr/servers/" + server + "/logs/messages.log");
  }

  @Override
  public void close() throws Exception {
    grpc.close();
    try {
      script("down", Duration.ofMinutes(2));
    } finally {
      // Whatever did not stop is killed: no test leaves a server behind.
      try (var pids = Files.list(home.resolve("usr/servers/.pid"))) {
        pids.forEach(p -> {
          try {
            ProcessHandle.of(Long.parseLong(Files.readString(p).trim())).ifPresent(ProcessHandle::destroyForcibly);
          } catch (IOException | NumberFormatException e) {
            // the server removed its pid file while stopping
          }
        });
      } catch (IOException e) {
        // no pid folder: nothing runs
      }
    }
  }
}
