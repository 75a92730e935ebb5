package io.distexec.master.kubernetes;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where this master reaches the Kubernetes API, for the leader's Lease and the autoscaler: in a pod
 * as its service account, elsewhere as the kubeconfig says, in the pod's namespace.
 */
public final class KubernetesApi {

  /** The namespace of the pod's service account, as Kubernetes mounts it in every pod. */
  static final Path NAMESPACE_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private KubernetesApi() {}

  /** Whether this master runs in a Kubernetes pod. */
  public static boolean inPod() {
    return System.getenv("KUBERNETES_SERVICE_HOST") != null;
  }

  /**
   * In a pod, as its service account; elsewhere as the kubeconfig says (KUBECONFIG, else
   * ~/.kube/config), and never the client's last resort, an unauthenticated localhost:8080.
   *
   * @param setting the setting that asks for the API, for the error message (e.g. {@code
   *     LEADER_ELECTION=kubernetes})
   * @param timeoutMillis connect, read and write timeout: no turn may hang on a slow API server
   */
  public static ApiClient client(String setting, int timeoutMillis) {
    ApiClient client;
    try {
      if (inPod()) {
        client = ClientBuilder.cluster().build();
      } else {
        String env = System.getenv("KUBECONFIG");
        Path file =
            env != null && !env.isBlank()
                ? Path.of(env.split(File.pathSeparator)[0])
                : Path.of(System.getProperty("user.home"), ".kube", "config");
        if (!Files.isReadable(file)) {
          throw new IllegalStateException(
              setting + " outside a pod needs a kubeconfig: none at " + file + " (set KUBECONFIG)");
        }
        try (Reader reader = Files.newBufferedReader(file)) {
          KubeConfig config = KubeConfig.loadKubeConfig(reader);
          config.setFile(file.toFile()); // its relative paths are relative to it
          client = ClientBuilder.kubeconfig(config).build();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          setting + ": cannot set up the Kubernetes API client (" + e + ")", e);
    }
    client.setConnectTimeout(timeoutMillis);
    client.setReadTimeout(timeoutMillis);
    client.setWriteTimeout(timeoutMillis);
    return client;
  }

  /** POD_NAMESPACE, else the service account's namespace, else {@code default}. */
  public static String namespace() {
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

  /**
   * The API server's refusal in its own words: the status message of its answer (e.g. {@code pods
   * is forbidden: User "..." cannot list resource "pods"}), else the HTTP code.
   */
  public static String describe(ApiException e) {
    if (e.getCode() == 0) {
      return "the Kubernetes API did not answer: "
          + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
    }
    String body = e.getResponseBody();
    if (body != null) {
      try (JsonReader reader = Json.createReader(new StringReader(body))) {
        String message = reader.readObject().getString("message", null);
        if (message != null) {
          return "the Kubernetes API refused (" + e.getCode() + "): " + message;
        }
      } catch (RuntimeException notAStatus) {
        // fall through to the code alone
      }
    }
    return "the Kubernetes API refused (" + e.getCode() + ")";
  }
}
