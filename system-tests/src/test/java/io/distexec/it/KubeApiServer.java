package io.distexec.it;

import io.distexec.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real kube-apiserver (v1.20, built from Debian's source package by
 * scripts/k8s/build-kube-apiserver.sh and cached in ~/.cache/distexec/k8s) with etcd and
 * kube-controller-manager, on free loopback ports with RBAC on, and Debian's kubectl of the same
 * version. There is no scheduler and no kubelet: pods stay Pending unless a test plays the kubelet.
 */
final class KubeApiServer implements AutoCloseable {

  /** The binaries' cache, shared by every checkout (the build takes minutes). */
  static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "distexec", "k8s");

  /** What a kubectl run printed, and how it ended. */
  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }
  }

  private final Path run;
  private final Path kubeconfig;

  private KubeApiServer(Path run) {
    this.run = run;
    this.kubeconfig = run.resolve("kubeconfig");
  }

  /**
   * Builds the binaries when missing (once per machine), then starts the servers in {@code run}.
   */
  static KubeApiServer start(Path run) throws IOException, InterruptedException {
    Path scripts = Clusters.ROOT.resolve("scripts/k8s");
    Result built =
        exec(
            List.of(
                "bash", scripts.resolve("build-kube-apiserver.sh").toString(), CACHE.toString()),
            List.of(),
            30);
    if (!built.ok()) {
      throw new IllegalStateException(
          "building kube-apiserver failed:\n" + built.out() + built.err());
    }
    List<Integer> ports = FreePorts.take(2);
    KubeApiServer server = new KubeApiServer(run);
    Result started =
        exec(
            List.of("bash", scripts.resolve("start-kube-apiserver.sh").toString()),
            List.of(
                "BIN_DIR=" + CACHE.resolve("bin"),
                "RUN_DIR=" + run,
                "API_PORT=" + ports.get(0),
                // etcd takes this port and the one 10 above it for its peers.
                "ETCD_PORT=" + ports.get(1),
                "CONTROLLER_MANAGER=1"),
            3);
    if (!started.ok() || !Files.exists(server.kubeconfig)) {
      server.close();
      throw new IllegalStateException(
          "kube-apiserver did not start:\n" + started.out() + started.err());
    }
    return server;
  }

  /**
   * A kubeconfig whose current context is the distexec master's service account (in namespace
   * distexec), written to {@code file}: what a master outside the cluster is given.
   */
  Path kubeconfigAsMaster(Path file) throws IOException, InterruptedException {
    Files.copy(kubeconfig, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Result used =
        exec(
            List.of(
                CACHE.resolve("bin/kubectl").toString(),
                "--kubeconfig=" + file,
                "config",
                "use-context",
                "master-sa"),
            List.of(),
            1);
    if (!used.ok()) {
      throw new IllegalStateException("kubectl config use-context failed: " + used.err());
    }
    return file;
  }

  /** client-java as the cluster's admin (the test playing the kubelet). */
  io.kubernetes.client.openapi.ApiClient adminClient() throws IOException {
    try (java.io.Reader reader = Files.newBufferedReader(kubeconfig)) {
      return io.kubernetes.client.util.ClientBuilder.kubeconfig(
              io.kubernetes.client.util.KubeConfig.loadKubeConfig(reader))
          .build();
    }
  }

  /**
   * Applies the master's Role and RoleBinding as shipped in deploy/ to {@code namespace}; the
   * subject is the master's service account of this API server's tokens, in namespace distexec.
   */
  void applyMasterRbac(String namespace) throws IOException, InterruptedException {
    String rbac =
        Files.readString(Clusters.ROOT.resolve("deploy/kubernetes/base/master-rbac.yaml"))
            + "    namespace: distexec\n";
    Result applied = kubectlWithInput(rbac, "--namespace=" + namespace, "apply", "-f", "-");
    if (!applied.ok()) {
      throw new IllegalStateException("applying the master's RBAC failed: " + applied.err());
    }
  }

  /** kubectl as the cluster's admin. */
  Result kubectl(String... args) throws IOException, InterruptedException {
    return kubectlWithInput(null, args);
  }

  /** kubectl as the cluster's admin, with {@code input} on its stdin. */
  Result kubectlWithInput(String input, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(CACHE.resolve("bin/kubectl").toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return exec(command, List.of(), 2, input);
  }

  /**
   * Merges {@code json} into a pod's status as the admin, as a kubelet would report it (kubectl
   * 1.20 has no --subresource).
   */
  Result patchPodStatus(String namespace, String pod, String json)
      throws IOException, InterruptedException {
    String server = Files.readString(kubeconfig).replaceAll("(?s).*server: \"([^\"]+)\".*", "$1");
    return exec(
        List.of(
            // -k: the test's own API server on loopback, with the certificate it made itself (as
            // the kubeconfig's insecure-skip-tls-verify).
            "curl",
            "-sSk",
            "--fail-with-body",
            "-X",
            "PATCH",
            "-H",
            "Authorization: Bearer admin-token",
            "-H",
            "Content-Type: application/merge-patch+json",
            "--data",
            json,
            server + "/api/v1/namespaces/" + namespace + "/pods/" + pod + "/status"),
        List.of(),
        1);
  }

  /** kubectl as the distexec master's service account (the token the start script defines). */
  Result kubectlAsMaster(String... args) throws IOException, InterruptedException {
    List<String> withContext = new ArrayList<>(List.of("--context=master-sa"));
    withContext.addAll(List.of(args));
    return kubectl(withContext.toArray(String[]::new));
  }

  private static Result exec(List<String> command, List<String> env, int minutes)
      throws IOException, InterruptedException {
    return exec(command, env, minutes, null);
  }

  private static Result exec(List<String> command, List<String> env, int minutes, String input)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    for (String e : env) {
      int eq = e.indexOf('=');
      builder.environment().put(e.substring(0, eq), e.substring(eq + 1));
    }
    Path out = Files.createTempFile("kubectl", ".out");
    Path err = Files.createTempFile("kubectl", ".err");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (input != null) {
      process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " did not end in " + minutes + " min");
    }
    Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return result;
  }

  @Override
  public void close() throws IOException {
    if (!Files.isDirectory(run)) {
      return;
    }
    try (Stream<Path> pids = Files.list(run)) {
      for (Path pid : pids.filter(p -> p.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
            .ifPresent(
                p -> {
                  p.destroy();
                  p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
                  p.destroyForcibly();
                });
      }
    }
  }
}
