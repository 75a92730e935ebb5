package io.distexec.master.kubernetes;

import io.distexec.master.config.LeaderSettings;
import io.distexec.master.leadership.LeaseStore;
import io.distexec.master.store.JdbcLeaseStore;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.logging.Logger;

/** Opens the leader's lease as a Kubernetes Lease (LEADER_ELECTION, see {@link LeaderSettings}). */
public final class KubernetesLeases {

  private static final Logger LOG = Logger.getLogger(KubernetesLeases.class.getName());

  /** The namespace of the pod's service account, as Kubernetes mounts it in every pod. */
  static final Path NAMESPACE_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /**
   * An election turn must not hang on a slow API server: it is tried again a second later, and a
   * leader that cannot renew steps down before its lease runs out.
   */
  private static final int TIMEOUT_MILLIS = 2_000;

  private KubernetesLeases() {}

  /** Whether this master runs in a Kubernetes pod. */
  public static boolean inPod() {
    return System.getenv("KUBERNETES_SERVICE_HOST") != null;
  }

  /**
   * The Lease in this pod's namespace (POD_NAMESPACE, else the service account's), reached as the
   * pod's service account, or as KUBECONFIG (or ~/.kube/config) says outside a pod.
   *
   * @param database the shared store's lease: its fence and its list of masters are kept
   */
  public static LeaseStore open(LeaderSettings leader, LeaseStore database, Clock clock) {
    if (!(database instanceof JdbcLeaseStore jdbc)) {
      throw new IllegalStateException("a Kubernetes Lease needs the masters' shared database");
    }
    ApiClient client = client();
    client.setConnectTimeout(TIMEOUT_MILLIS);
    client.setReadTimeout(TIMEOUT_MILLIS);
    client.setWriteTimeout(TIMEOUT_MILLIS);
    String namespace = namespace();
    LOG.info(
        () ->
            "leader election: Kubernetes Lease "
                + namespace
                + "/"
                + leader.leaseName()
                + " on "
                + client.getBasePath());
    return new KubernetesLeaseStore(
        new CoordinationV1Api(client), namespace, leader.leaseName(), jdbc, clock);
  }

  /**
   * In a pod, as its service account; elsewhere as the kubeconfig says (KUBECONFIG, else
   * ~/.kube/config), and never the client's last resort, an unauthenticated localhost:8080.
   */
  private static ApiClient client() {
    try {
      if (inPod()) {
        return ClientBuilder.cluster().build();
      }
      String env = System.getenv("KUBECONFIG");
      Path file =
          env != null && !env.isBlank()
              ? Path.of(env.split(java.io.File.pathSeparator)[0])
              : Path.of(System.getProperty("user.home"), ".kube", "config");
      if (!Files.isReadable(file)) {
        throw new IllegalStateException(
            "LEADER_ELECTION=kubernetes outside a pod needs a kubeconfig: none at "
                + file
                + " (set KUBECONFIG)");
      }
      try (java.io.Reader reader = Files.newBufferedReader(file)) {
        KubeConfig config = KubeConfig.loadKubeConfig(reader);
        config.setFile(file.toFile()); // its relative paths are relative to it
        return ClientBuilder.kubeconfig(config).build();
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "LEADER_ELECTION=kubernetes: cannot set up the Kubernetes API client (" + e + ")", e);
    }
  }

  private static String namespace() {
    String env = System.getenv("POD_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return Files.readString(NAMESPACE_FILE).trim();
    } catch (IOException e) {
      return "default";
    }
  }
}
