package io.distexec.master.kubernetes;

import io.distexec.master.scaling.Scaler;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1Scale;
import io.kubernetes.client.util.PatchUtils;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The worker pool as a Deployment: its replicas through the {@code scale} subresource (the one
 * thing the master changes on it), its pods by the selector the scale reports, and the pods' {@code
 * controller.kubernetes.io/pod-deletion-cost}, which the ReplicaSet controller honours from
 * Kubernetes 1.22 when it picks the pods to remove. On every version it removes not-ready pods
 * first, which is what the scaler's drain makes of the chosen workers.
 */
public final class KubernetesPool implements Scaler.Pool {

  static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

  /** The cost of a pod chosen to go, and of the others: the controller removes the lowest first. */
  static final String REMOVE_FIRST = "-1000";

  static final String KEEP = "1000";

  private final ApiClient client;
  private final AppsV1Api apps;
  private final CoreV1Api core;
  private final String namespace;
  private final String deployment;
  private volatile String selector;

  public KubernetesPool(ApiClient client, String namespace, String deployment) {
    this.client = client;
    this.apps = new AppsV1Api(client);
    this.core = new CoreV1Api(client);
    this.namespace = namespace;
    this.deployment = deployment;
  }

  /** Namespace and name of the Deployment, as the scaler's status shows it. */
  public String describe() {
    return "Deployment " + namespace + "/" + deployment;
  }

  @Override
  public int replicas() {
    V1Scale scale = call(() -> apps.readNamespacedDeploymentScale(deployment, namespace).execute());
    selector = scale.getStatus() == null ? null : scale.getStatus().getSelector();
    Integer replicas = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
    return replicas == null ? 0 : replicas;
  }

  /** The Deployment's pods that are not on their way out, by name, and whether each is ready. */
  @Override
  public Map<String, Boolean> podsReady() {
    if (selector == null) {
      replicas();
    }
    String labels = selector;
    if (labels == null || labels.isEmpty()) {
      throw new IllegalStateException(describe() + " has no pod selector");
    }
    List<V1Pod> pods =
        call(() -> core.listNamespacedPod(namespace).labelSelector(labels).execute()).getItems();
    Map<String, Boolean> ready = new TreeMap<>();
    for (V1Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() == null) {
        ready.put(pod.getMetadata().getName(), ready(pod));
      }
    }
    return ready;
  }

  private static boolean ready(V1Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (V1PodCondition condition : pod.getStatus().getConditions()) {
      if ("Ready".equals(condition.getType())) {
        return "True".equals(condition.getStatus());
      }
    }
    return false;
  }

  @Override
  public void scaleTo(int replicas) {
    patch(
        () ->
            apps.patchNamespacedDeploymentScale(
                    deployment,
                    namespace,
                    new V1Patch("{\"spec\":{\"replicas\":" + replicas + "}}"))
                .buildCall(null),
        V1Scale.class);
  }

  @Override
  public void removeFirst(List<String> removeFirst, Set<String> others) {
    for (String pod : removeFirst) {
      cost(pod, REMOVE_FIRST);
    }
    for (String pod : others) {
      cost(pod, KEEP);
    }
  }

  private void cost(String pod, String cost) {
    patch(
        () ->
            core.patchNamespacedPod(
                    pod,
                    namespace,
                    new V1Patch(
                        "{\"metadata\":{\"annotations\":{\""
                            + DELETION_COST
                            + "\":\""
                            + cost
                            + "\"}}}"))
                .buildCall(null),
        V1Pod.class);
  }

  private <T> void patch(PatchUtils.PatchCallFunc call, Class<T> type) {
    call(() -> PatchUtils.patch(type, call, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
  }

  private interface ApiCall<T> {
    T call() throws ApiException;
  }

  /** Runs one API call; a refusal becomes the scaler's visible problem, in the server's words. */
  private <T> T call(ApiCall<T> call) {
    try {
      return call.call();
    } catch (ApiException e) {
      throw new IllegalStateException(describe() + ": " + KubernetesApi.describe(e), e);
    }
  }
}
