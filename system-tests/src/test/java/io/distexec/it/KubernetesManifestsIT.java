package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.Gson;
import io.distexec.common.HostPort;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes against a real kube-apiserver (1.20) with RBAC and the controller manager: each
 * overlay renders with kubectl's kustomize and the server accepts every object in it (dry run); the
 * master's service account, bound by the shipped Role, can do what the scaler needs and nothing
 * else; applied for real, the worker Deployment makes pods whose downward-API values are the id and
 * address a worker reads. Objects of API versions 1.20 does not serve (policy/v1, autoscaling/v2)
 * are checked by strict parsing with the official client's model classes instead.
 */
@ExtendWith(SharedKubeApiServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesManifestsIT {

  private static final Path MANIFESTS = Clusters.ROOT.resolve("deploy/kubernetes");

  @TempDir static Path run;

  private static KubeApiServer kube;

  @BeforeAll
  static void start(KubeApiServer shared) throws Exception {
    kube = shared;
    // A dry run does not create the namespace the other objects of the dry run go into.
    assertThat(kube.kubectl("create", "namespace", "distexec").ok()).isTrue();
  }

  private static String render(String overlay) throws Exception {
    KubeApiServer.Result rendered =
        kube.kubectl("kustomize", MANIFESTS.resolve("overlays/" + overlay).toString());
    assertThat(rendered.exit()).as(rendered.err()).isZero();
    return rendered.out();
  }

  /** The objects of a multi-document YAML, as maps. */
  private static List<Map<String, Object>> objects(String yaml) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object o : new Yaml(new LoaderOptions()).loadAll(yaml)) {
      if (o != null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) o;
        objects.add(object);
      }
    }
    return objects;
  }

  private static String kind(Map<String, Object> object) {
    return object.get("apiVersion") + "/" + object.get("kind");
  }

  @Test
  @Order(1)
  void everyOverlayRendersAndTheApiServerAcceptsEveryObject() throws Exception {
    for (String overlay : List.of("dev", "production")) {
      List<Map<String, Object>> objects = objects(render(overlay));
      assertThat(objects.stream().map(KubernetesManifestsIT::kind))
          .as(overlay)
          .contains(
              "v1/Namespace",
              "v1/ServiceAccount",
              "rbac.authorization.k8s.io/v1/Role",
              "rbac.authorization.k8s.io/v1/RoleBinding",
              "v1/ConfigMap",
              "apps/v1/Deployment",
              "v1/Service",
              "networking.k8s.io/v1/NetworkPolicy",
              "policy/v1/PodDisruptionBudget");
      List<Map<String, Object>> served = new ArrayList<>();
      for (Map<String, Object> object : objects) {
        if (kind(object).equals("policy/v1/PodDisruptionBudget")) {
          // policy/v1 arrived in 1.21: checked against the client's model instead.
          V1PodDisruptionBudget.validateJsonElement(new Gson().toJsonTree(object));
        } else {
          served.add(object);
        }
      }
      Path file = run.resolve(overlay + ".yaml");
      Files.writeString(file, new Yaml().dumpAll(served.iterator()));
      KubeApiServer.Result applied =
          kube.kubectl("apply", "--dry-run=server", "-f", file.toString());
      assertThat(applied.exit()).as(overlay + ": " + applied.err()).isZero();
      assertThat(applied.out()).contains("deployment.apps/distexec-worker");
    }
  }

  @Test
  @Order(2)
  void theApiServerRefusesABrokenManifestSoTheCheckAboveCanFail() throws Exception {
    String broken =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: distexec}\n"
            + "spec: {replicas: -1, selector: {matchLabels: {a: b}}, template: {metadata: {labels:"
            + " {a: b}}, spec: {containers: [{name: c, image: i}]}}}\n";
    Path file = Files.writeString(run.resolve("broken.yaml"), broken);
    KubeApiServer.Result applied = kube.kubectl("apply", "--dry-run=server", "-f", file.toString());
    assertThat(applied.exit()).isNotZero();
    assertThat(applied.err()).contains("replicas");
  }

  @Test
  @Order(3)
  void theBackupHpaIsAStrictlyValidAutoscalingV2Object() throws Exception {
    Map<String, Object> hpa =
        objects(Files.readString(MANIFESTS.resolve("optional/worker-hpa.yaml"))).get(0);
    assertThat(kind(hpa)).isEqualTo("autoscaling/v2/HorizontalPodAutoscaler");
    V2HorizontalPodAutoscaler.validateJsonElement(new Gson().toJsonTree(hpa));
    // The same check refuses a field autoscaling/v2 does not have.
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = new HashMap<>((Map<String, Object>) hpa.get("spec"));
    spec.put("targetCPUUtilizationPercentage", 80);
    Map<String, Object> wrong = new HashMap<>(hpa);
    wrong.put("spec", spec);
    assertThatThrownBy(
            () -> V2HorizontalPodAutoscaler.validateJsonElement(new Gson().toJsonTree(wrong)))
        .hasMessageContaining("targetCPUUtilizationPercentage");
  }

  @Test
  @Order(4)
  void theMastersServiceAccountMayDoWhatTheScalerNeedsAndNothingElse() throws Exception {
    // The dev overlay for real, as rendered and checked above (without the policy/v1 object).
    KubeApiServer.Result applied = kube.kubectl("apply", "-f", run.resolve("dev.yaml").toString());
    assertThat(applied.exit()).as(applied.err()).isZero();
    String ns = "--namespace=distexec";

    // What the scaler and the leader election need.
    assertAllowed(kube.kubectlAsMaster(ns, "get", "deployment", "distexec-worker"));
    assertAllowed(
        kube.kubectlAsMaster(
            "get", "--raw", "/apis/apps/v1/namespaces/distexec/deployments/distexec-worker/scale"));
    assertAllowed(
        kube.kubectlAsMaster(ns, "scale", "deployment", "distexec-worker", "--replicas=3"));
    assertAllowed(kube.kubectlAsMaster(ns, "get", "pods"));
    String lease =
        "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: distexec-master,"
            + " namespace: distexec}\nspec: {holderIdentity: master-0, leaseDurationSeconds: 15}\n";
    assertAllowed(kube.kubectlWithInput(lease, "--context=master-sa", "create", "-f", "-"));
    assertAllowed(
        kube.kubectlAsMaster(
            ns,
            "patch",
            "lease",
            "distexec-master",
            "--type=merge",
            "-p",
            "{\"spec\":{\"holderIdentity\":\"master-1\"}}"));
    await().atMost(Duration.ofSeconds(60)).until(() -> workerPods().size() == 3);
    String pod = workerPods().get(0).getJsonObject("metadata").getString("name");
    assertAllowed(
        kube.kubectlAsMaster(
            ns, "annotate", "pod", pod, "controller.kubernetes.io/pod-deletion-cost=-100"));

    // And nothing else: no other Deployment, no deleting, no Secrets, no other namespace, no
    // other Lease, nothing cluster-wide.
    assertForbidden(kube.kubectlAsMaster(ns, "delete", "deployment", "distexec-worker"));
    assertForbidden(kube.kubectlAsMaster(ns, "get", "deployment", "distexec-master"));
    assertForbidden(
        kube.kubectlAsMaster(ns, "scale", "deployment", "distexec-master", "--replicas=0"));
    assertForbidden(kube.kubectlAsMaster(ns, "get", "secrets"));
    assertForbidden(kube.kubectlAsMaster(ns, "delete", "pod", pod));
    assertForbidden(kube.kubectlAsMaster("--namespace=default", "get", "pods"));
    assertForbidden(kube.kubectlAsMaster(ns, "get", "lease", "someone-else"));
    assertForbidden(kube.kubectlAsMaster("get", "nodes"));
    assertForbidden(
        kube.kubectlAsMaster(ns, "create", "deployment", "miner", "--image=miner:latest"));
  }

  @Test
  @Order(5)
  void workerPodsCarryTheIdAndAddressAWorkerReads() throws Exception {
    List<JsonObject> pods = workerPods();
    assertThat(pods).isNotEmpty();
    int i = 1;
    for (JsonObject pod : pods) {
      String name = pod.getJsonObject("metadata").getString("name");
      // Play the kubelet: a started pod has an IP.
      String ip = "10.244.0." + i++;
      assertAllowed(
          kube.patchPodStatus(
              "distexec",
              name,
              "{\"status\":{\"podIP\":\"" + ip + "\",\"podIPs\":[{\"ip\":\"" + ip + "\"}]}}"));
      JsonObject started = getJson("--namespace=distexec", "get", "pod", name, "-o", "json");
      Map<String, String> env = environment(started);
      assertThat(env.get("WORKER_ID")).isEqualTo(name);
      assertThat(env.get("WORKER_ADVERTISE_ADDRESS")).isEqualTo(ip + ":50052");
      assertThat(HostPort.parse("WORKER_ADVERTISE_ADDRESS", env.get("WORKER_ADVERTISE_ADDRESS")))
          .isEqualTo(new HostPort(ip, 50052));
      assertThat(env.get("MASTER_ADDRESS")).isEqualTo("distexec-master:50050");
      // A draining worker gets to finish its tasks before the kill.
      JsonObject spec = started.getJsonObject("spec");
      int grace = spec.getInt("terminationGracePeriodSeconds");
      JsonObject container = spec.getJsonArray("containers").getJsonObject(0);
      assertThat(container.getJsonObject("lifecycle").getJsonObject("preStop").toString())
          .contains("server", "stop");
      assertThat(grace).isGreaterThan(Integer.parseInt(configMap().get("DRAIN_GRACE_SECONDS")));
      assertThat(container.getJsonObject("readinessProbe").toString()).contains("/health/ready");
    }
  }

  @Test
  @Order(6)
  void masterPodsCarryTheNameAndAddressTheLeaderIsKnownBy() throws Exception {
    JsonArray items =
        getJson(
                "--namespace=distexec",
                "get",
                "pods",
                "-l",
                "app.kubernetes.io/component=master",
                "-o",
                "json")
            .getJsonArray("items");
    assertThat(items).isNotEmpty();
    for (JsonValue item : items) {
      String name = item.asJsonObject().getJsonObject("metadata").getString("name");
      String ip = "10.244.1.7";
      assertAllowed(
          kube.patchPodStatus(
              "distexec",
              name,
              "{\"status\":{\"podIP\":\"" + ip + "\",\"podIPs\":[{\"ip\":\"" + ip + "\"}]}}"));
      Map<String, String> env =
          environment(getJson("--namespace=distexec", "get", "pod", name, "-o", "json"));
      assertThat(env.get("MASTER_ID")).isEqualTo(name);
      assertThat(env.get("POD_NAMESPACE")).isEqualTo("distexec"); // where its Lease is
      assertThat(HostPort.parse("CLUSTER_ADVERTISE_ADDRESS", env.get("CLUSTER_ADVERTISE_ADDRESS")))
          .isEqualTo(new HostPort(ip, 50050));
    }
    // Production: two masters on PostgreSQL, replaced one at a time.
    Map<String, Object> deployment =
        objects(render("production")).stream()
            .filter(o -> "Deployment".equals(o.get("kind")))
            .filter(o -> ((Map<?, ?>) o.get("metadata")).get("name").equals("distexec-master"))
            .findFirst()
            .orElseThrow();
    Map<?, ?> spec = (Map<?, ?>) deployment.get("spec");
    assertThat(spec.get("replicas")).isEqualTo(2);
    assertThat(spec.toString()).contains("{name=LEADER_ELECTION, value=kubernetes}");
    assertThat(spec.toString()).contains("{name=SCALER, value=kubernetes}");
    assertThat(spec.get("strategy").toString()).contains("RollingUpdate", "maxUnavailable=0");
  }

  /**
   * The environment the kubelet gives the container: the ConfigMap, then the pod's own variables,
   * with downward-API fields read from the pod and {@code $(VAR)} expanded, as Kubernetes does.
   */
  private static Map<String, String> environment(JsonObject pod) throws Exception {
    Map<String, String> env = new HashMap<>(configMap());
    JsonObject container = pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0);
    for (JsonValue v : container.getJsonArray("env")) {
      JsonObject e = v.asJsonObject();
      String value;
      if (e.containsKey("valueFrom")) {
        String path = e.getJsonObject("valueFrom").getJsonObject("fieldRef").getString("fieldPath");
        value =
            switch (path) {
              case "metadata.name" -> pod.getJsonObject("metadata").getString("name");
              case "metadata.namespace" -> pod.getJsonObject("metadata").getString("namespace");
              case "status.podIP" -> pod.getJsonObject("status").getString("podIP");
              default -> throw new AssertionError("unexpected field " + path);
            };
      } else {
        Matcher m = Pattern.compile("\\$\\(([A-Z_]+)\\)").matcher(e.getString("value"));
        StringBuilder expanded = new StringBuilder();
        while (m.find()) {
          m.appendReplacement(
              expanded, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(expanded);
        value = expanded.toString();
      }
      env.put(e.getString("name"), value);
    }
    return env;
  }

  private static Map<String, String> configMap() throws Exception {
    JsonObject data =
        getJson("--namespace=distexec", "get", "configmap", "distexec-settings", "-o", "json")
            .getJsonObject("data");
    Map<String, String> values = new HashMap<>();
    data.forEach((k, v) -> values.put(k, ((jakarta.json.JsonString) v).getString()));
    return values;
  }

  private static List<JsonObject> workerPods() throws Exception {
    JsonArray items =
        getJson(
                "--namespace=distexec",
                "get",
                "pods",
                "-l",
                "app.kubernetes.io/component=worker",
                "-o",
                "json")
            .getJsonArray("items");
    return items.stream().map(JsonValue::asJsonObject).toList();
  }

  private static JsonObject getJson(String... args) throws Exception {
    KubeApiServer.Result result = kube.kubectl(args);
    assertThat(result.exit()).as(result.err()).isZero();
    return Json.createReader(new StringReader(result.out())).readObject();
  }

  private static void assertAllowed(KubeApiServer.Result result) {
    assertThat(result.exit()).as(result.err()).isZero();
  }

  private static void assertForbidden(KubeApiServer.Result result) {
    assertThat(result.exit()).isNotZero();
    assertThat(result.err()).containsIgnoringCase("forbidden");
  }
}
