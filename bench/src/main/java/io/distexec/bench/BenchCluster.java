package io.distexec.bench;

import io.distexec.common.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A local cluster as users start it ({@code scripts/local-cluster.sh}: embedded store, default
 * settings unless a part says otherwise), on free loopback ports, in a folder of its own.
 */
final class BenchCluster implements AutoCloseable {

  private final Path root;
  private final Path home;
  private final Map<String, String> env;
  final int httpPort;
  final int grpcPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private BenchCluster(Path root, Path home, Map<String, String> env, int httpPort, int grpcPort) {
    this.root = root;
    this.home = home;
    this.env = env;
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
  }

  static BenchCluster start(Path root, Path home, int workers, Map<String, String> settings) throws Exception {
    if (Files.exists(home)) {
      try (var files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(home);
    List<Integer> ports = FreePorts.take(2 + 2 * workers);
    Map<String, String> env = new HashMap<>(settings);
    env.put("FAST_START", "0"); // full JIT: the servers' peak speed, not their start time
    env.put("DISTEXEC_HOME", home.toString());
    env.put("WORKERS", Integer.toString(workers));
    env.put("MASTER_HTTP_PORT", ports.get(0).toString());
    env.put("MASTER_GRPC_PORT", ports.get(1).toString());
    env.put("WORKER_HTTP_PORTS", join(ports.subList(2, 2 + workers)));
    env.put("WORKER_GRPC_PORTS", join(ports.subList(2 + workers, 2 + 2 * workers)));
    BenchCluster cluster = new BenchCluster(root, home, env, ports.get(0), ports.get(1));
    try {
      cluster.script("up");
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  String masterUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  String masterGrpc() {
    return "127.0.0.1:" + grpcPort;
  }

  long masterPid() throws IOException {
    return Long.parseLong(Files.readString(home.resolve("usr/servers/.pid/master.pid")).trim());
  }

  /** Kills the master with SIGKILL and starts it again; returns how long until it was ready. */
  Duration killAndRestartMaster() throws Exception {
    ProcessHandle.of(masterPid()).ifPresent(p -> {
      p.destroyForcibly();
      p.onExit().join();
    });
    long start = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder(root.resolve("target/liberty/wlp/bin/server").toString(), "start",
        "master").redirectErrorStream(true);
    builder.environment().put("WLP_USER_DIR", home.resolve("usr").toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("master did not start again:\n" + output);
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("master not ready 10 minutes after its restart");
      }
      Thread.sleep(200);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(masterUrl() + "/health/ready")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A gauge or counter from the master's /metrics (Prometheus text), summed over its labels. */
  double metric(String name) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create(masterUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("the master's /metrics has no " + name);
    }
    return sum;
  }

  /** Waits until the master has no unfinished job. */
  void awaitIdle(Duration atMost) throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (metric("distexec_jobs_unfinished") > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("jobs still unfinished after " + atMost.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  private void script(String command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("scripts/local-cluster.sh").toString(), command)
        .redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("local-cluster.sh " + command + " failed:\n" + output);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      script("down");
    } finally {
      Path pids = home.resolve("usr/servers/.pid");
      if (Files.isDirectory(pids)) {
        try (var files = Files.list(pids)) {
          files.forEach(p -> {
            try {
              ProcessHandle.of(Long.parseLong(Files.readString(p).trim())).ifPresent(ProcessHandle::destroyForcibly);
            } catch (IOException | NumberFormatException e) {
              // stopped meanwhile
            }
          });
        }
      }
    }
  }

  private static String join(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(" "));
  }
}
