package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.testing.LocalCluster;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The master's autoscaler (SCALER=kubernetes) against a real kube-apiserver and
 * kube-controller-manager, as the master's service account with the Role shipped in deploy/: it
 * scales the worker Deployment through the scale subresource, and the ReplicaSet controller creates
 * and deletes the pods. There is no kubelet: the test plays it, starting a {@link StandInWorker}
 * under each new pod's name and reporting the pod Running and Ready as the stand-in's readiness
 * says; when the controller deletes a pod, the test notes whether its worker was busy.
 */
@ExtendWith(SharedKubeApiServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesScalerIT {

  private static final String NS = "distexec-scale";
  private static final String SELECTOR = "app=distexec-worker-stand-in";

  /** A worker Deployment whose pods never run (no kubelet): the test stands in for them. */
  static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: distexec-worker
      spec:
        replicas: 0
        selector:
          matchLabels: {app: distexec-worker-stand-in}
        template:
          metadata:
            labels: {app: distexec-worker-stand-in}
          spec:
            containers: [{name: worker, image: stand-in}]
      """;

  private static KubeApiServer kube;
  private static LocalCluster cluster;
  private static Rest rest;
  private static PlayedKubelet kubelet;
  private static AppsV1Api apps;

  @BeforeAll
  static void start(KubeApiServer shared) throws Exception {
    kube = shared;
    assertThat(kube.kubectl("create", "namespace", NS).exit()).isZero();
    kube.applyMasterRbac(NS);
    KubeApiServer.Result created = kube.kubectlWithInput(DEPLOYMENT, "-n", NS, "apply", "-f", "-");
    assertThat(created.exit()).as(created.err()).isZero();
    var kubeconfig =
        kube.kubeconfigAsMaster(Files.createTempFile("distexec-scaler", ".kubeconfig"));
    cluster =
        Clusters.start(
            "kubernetes-scaler-it",
            0,
            Map.ofEntries(
                // The stand-in workers speak plaintext on loopback (TLS is SecurityIT's).
                Map.entry("CLUSTER_TLS", "0"),
                Map.entry("SCALER", "kubernetes"),
                Map.entry("KUBECONFIG", kubeconfig.toString()),
                Map.entry("POD_NAMESPACE", NS),
                Map.entry("SCALER_INTERVAL_SECONDS", "1"),
                Map.entry("SCALER_MAX_WORKERS", "6"),
                Map.entry("SCALER_MAX_STEP_OUT", "2"),
                Map.entry("SCALER_MAX_STEP_IN", "4"),
                Map.entry("SCALER_OUT_WINDOW_SECONDS", "1"),
                Map.entry("SCALER_IN_WINDOW_SECONDS", "3"),
                Map.entry("SCALER_IDLE_SECONDS", "3"),
                Map.entry("SCALER_SLOTS_PER_WORKER", "1"),
                Map.entry("HEARTBEAT_INTERVAL_SECONDS", "1"),
                Map.entry("HEARTBEAT_TIMEOUT_SECONDS", "5")));
    rest = new Rest(cluster);
    ApiClient admin = kube.adminClient();
    apps = new AppsV1Api(admin);
    kubelet = new PlayedKubelet(admin, "127.0.0.1:" + cluster.masterClusterPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (kubelet != null) {
      kubelet.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static int replicas() throws ApiException {
    Integer r =
        apps.readNamespacedDeploymentScale("distexec-worker", NS).execute().getSpec().getReplicas();
    return r == null ? 0 : r;
  }

  private static JsonObject scaler() throws Exception {
    return rest.get("/api/v1/scaler").json();
  }

  /** The scaler's problem in one status answer, or null when it has none. */
  private static String problemIn(JsonObject status) {
    return status.containsKey("problem") && !status.isNull("problem")
        ? status.getString("problem")
        : null;
  }

  private static String sleep(int seconds) throws Exception {
    return rest.submit("{\"command\":\"sleep\",\"args\":[\"" + seconds + "\"]}");
  }

  /**
   * 0 → 4 for a burst, in steps of two; the middle two pods' work ends and they are drained and
   * removed while the oldest and the newest run long tasks; then to zero. The ReplicaSet controller
   * removes exactly the drained idle pods, never a busy one, and every task succeeds.
   */
  @Test
  @Order(1)
  void scalesFromZeroForABurstAndInWithoutEverRemovingABusyWorker() throws Exception {
    Instant submitted = Instant.now();
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      jobs.add(sleep(600));
    }
    assertThat(rest.get("/api/v1/jobs/" + jobs.get(0)).json().getString("waiting", ""))
        .startsWith("scaling up");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> replicas() > 0);
    long scaleOutMillis = Duration.between(submitted, Instant.now()).toMillis();
    await().atMost(Duration.ofSeconds(30)).until(() -> replicas() == 4);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                kubelet.workers().size() == 4
                    && kubelet.workers().values().stream().allMatch(StandInWorker::busy));
    long allRunningMillis = Duration.between(submitted, Instant.now()).toMillis();
    // A stand-in is busy once it holds the task; the master stores RUNNING when the task's start
    // event reaches it, a moment later (a CI run read DISPATCHED in between).
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (String id : jobs) {
                assertThat(rest.get("/api/v1/jobs/" + id).json().getString("status"))
                    .as(id)
                    .isEqualTo("RUNNING");
              }
            });

    // By age: two pods from the first step, two from the second (a second or more apart).
    List<String> byAge = kubelet.podsByAge();
    assertThat(byAge).hasSize(4);
    String oldest = byAge.get(0);
    String newest = byAge.get(3);
    Set<String> middle = Set.of(byAge.get(1), byAge.get(2));
    Instant finished = Instant.now();
    middle.forEach(p -> kubelet.workers().get(p).finishAll());

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> replicas() == 2 && kubelet.removed().size() == 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kubelet.workers().keySet().equals(Set.of(oldest, newest)));
    long scaleInMillis = Duration.between(finished, Instant.now()).toMillis();
    assertThat(kubelet.removed())
        .extracting(PlayedKubelet.Removal::pod)
        .containsExactlyInAnyOrderElementsOf(middle);
    assertThat(kubelet.workers().values()).allMatch(StandInWorker::busy);
    // The busy pods carry a high deletion cost (honoured from Kubernetes 1.22; 1.20 here removed
    // the drained pods because they were not ready).
    for (String pod : List.of(oldest, newest)) {
      assertThat(kubelet.annotations(pod))
          .containsEntry("controller.kubernetes.io/pod-deletion-cost", "1000");
    }

    Instant lastEnded = Instant.now();
    kubelet.workers().values().forEach(StandInWorker::finishAll);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> replicas() == 0 && kubelet.workers().isEmpty());
    long toZeroMillis = Duration.between(lastEnded, Instant.now()).toMillis();

    assertThat(kubelet.removed()).hasSize(4).noneMatch(PlayedKubelet.Removal::busy);
    for (String id : jobs) {
      assertThat(rest.awaitEnd(id, Duration.ofSeconds(10)).getString("status"))
          .isEqualTo("SUCCEEDED");
    }
    JsonObject status = scaler();
    assertThat(status.getBoolean("enabled")).isTrue();
    assertThat(status.getString("pool")).isEqualTo("Deployment " + NS + "/distexec-worker");
    assertThat(status.getJsonObject("decisions").getInt("ScaleOut")).isEqualTo(2);
    assertThat(cluster.metric("distexec_scaler_desired_workers")).isZero();
    long decisions =
        status.getJsonObject("decisions").values().stream()
            .mapToLong(v -> ((jakarta.json.JsonNumber) v).longValue())
            .sum();
    assertThat(cluster.metric("distexec_scaler_decisions")).isEqualTo((double) decisions);
    Process distctl = distctlScaler();
    String cli = new String(distctl.getInputStream().readAllBytes());
    assertThat(distctl.waitFor()).as(cli).isZero();
    assertThat(cli).contains("ScaleOut", "Drain", "ScaleIn");
    System.out.println("KubernetesScalerIT: distctl scaler after the scale to zero:\n" + cli);
    System.out.printf(
        "KubernetesScalerIT: burst of 4 at zero -> first scale patch %d ms, all 4 running %d ms"
            + " (pods start at once here); the middle two idle -> removed %d ms (idle 3 s, in"
            + " window 3 s); the last two idle -> zero %d ms%n",
        scaleOutMillis, allRunningMillis, scaleInMillis, toZeroMillis);
  }

  /**
   * Two workers run long tasks; a burst of four short ones queues behind them, and the scaler asks
   * for two more; the burst ends on the first two (their long tasks finished) while the new pods
   * are still starting. The scaler neither asks for more nor swings back and forth.
   */
  @Test
  @Order(2)
  void aBurstThatEndsWhileWorkersStartNeitherOvershootsNorFlaps() throws Exception {
    List<String> long1 = List.of(sleep(600), sleep(600));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                kubelet.workers().size() == 2
                    && kubelet.workers().values().stream().allMatch(StandInWorker::busy));
    await().atMost(Duration.ofSeconds(20)).until(() -> replicas() == 2);
    JsonObject before = scaler().getJsonObject("decisions");
    kubelet.startDelay(Duration.ofSeconds(8));
    List<String> burst = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      burst.add(sleep(1));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> replicas() == 4);
    kubelet.workers().values().forEach(StandInWorker::finishAll);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    // The replicas, five times a second for 12 s.
    await()
        .during(Duration.ofSeconds(12))
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> seen.add(replicas()));
    for (String id : burst) {
      assertThat(rest.awaitEnd(id, Duration.ofSeconds(30)).getString("status"))
          .isEqualTo("SUCCEEDED");
    }
    JsonObject after = scaler().getJsonObject("decisions");
    int outs = after.getInt("ScaleOut", 0) - before.getInt("ScaleOut", 0);
    assertThat(outs).as("scale-outs during the burst").isEqualTo(1);
    assertThat(seen).allMatch(r -> r <= 4);
    // At most one way back down afterwards, never up again.
    List<Integer> changes = new ArrayList<>();
    for (int r : seen) {
      if (changes.isEmpty() || changes.get(changes.size() - 1) != r) {
        changes.add(r);
      }
    }
    assertThat(changes)
        .as("replicas seen after the burst")
        .isSortedAccordingTo(Comparator.reverseOrder());
    kubelet.startDelay(Duration.ZERO);
    for (String id : long1) {
      assertThat(rest.awaitEnd(id, Duration.ofSeconds(30)).getString("status"))
          .isEqualTo("SUCCEEDED");
    }
    System.out.println(
        "KubernetesScalerIT: replicas after a burst that ended while 2 pods started: "
            + changes
            + "; scale-outs "
            + outs);
  }

  /** With the shipped Role unbound, the scaler shows the API server's refusal, and recovers. */
  @Test
  @Order(3)
  void aForbiddenCallShowsInTheStatusWithTheServersWordsAndIsRetried() throws Exception {
    assertThat(kube.kubectl("-n", NS, "delete", "rolebinding", "distexec-master").exit()).isZero();
    try {
      // One answer per poll: the problem may clear between two calls.
      String problem =
          await().atMost(Duration.ofSeconds(20)).until(() -> problemIn(scaler()), Objects::nonNull);
      assertThat(problem)
          .contains("Deployment " + NS + "/distexec-worker")
          .contains("forbidden")
          .contains("403");
      Process distctl = distctlScaler();
      String cli = new String(distctl.getInputStream().readAllBytes());
      assertThat(distctl.waitFor()).as(cli).isEqualTo(1);
      assertThat(cli)
          .contains("autoscaler: Deployment " + NS + "/distexec-worker")
          .contains("problem: ")
          .contains("forbidden");
    } finally {
      kube.applyMasterRbac(NS);
    }
    // (Not until(…, Objects::isNull): Awaitility's predicate matcher never passes a null to it.)
    await().atMost(Duration.ofSeconds(20)).until(() -> problemIn(scaler()) == null);
  }

  /** {@code distctl scaler} as a real process, its output merged. */
  private static Process distctlScaler() throws Exception {
    ProcessBuilder command =
        new ProcessBuilder(
                Clusters.ROOT.resolve("bin/distctl").toString(),
                "--master",
                "127.0.0.1:" + cluster.masterGrpcPort(),
                "scaler")
            .redirectErrorStream(true);
    command.environment().put("DISTEXEC_TOKEN", cluster.adminToken());
    return command.start();
  }

  /**
   * The kubelet's part, played by the test: a stand-in worker for each new pod (after {@link
   * #startDelay}), the pod's status Running and Ready as the stand-in says, and on deletion the
   * worker stopped (noting whether it was busy) and the pod let go.
   */
  static final class PlayedKubelet implements AutoCloseable {
    record Removal(String pod, boolean busy) {}

    private final CoreV1Api core;
    private final ApiClient client;
    private final String master;
    private final Map<String, StandInWorker> workers = new ConcurrentHashMap<>();
    private final Map<String, Instant> created = new ConcurrentHashMap<>();
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reported = new ConcurrentHashMap<>();
    private final List<Removal> removed = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private volatile Duration startDelay = Duration.ZERO;

    PlayedKubelet(ApiClient client, String master) {
      this.client = client;
      this.core = new CoreV1Api(client);
      this.master = master;
      loop.scheduleWithFixedDelay(this::sync, 0, 200, TimeUnit.MILLISECONDS);
    }

    Map<String, StandInWorker> workers() {
      return workers;
    }

    List<Removal> removed() {
      return removed;
    }

    void startDelay(Duration delay) {
      startDelay = delay;
    }

    Map<String, String> annotations(String pod) throws ApiException {
      Map<String, String> a =
          core.readNamespacedPod(pod, NS).execute().getMetadata().getAnnotations();
      return a == null ? Map.of() : a;
    }

    /** The running pods, oldest first (by creation, then name). */
    List<String> podsByAge() {
      return workers.keySet().stream()
          .sorted(Comparator.comparing((String p) -> created.get(p)).thenComparing(p -> p))
          .toList();
    }

    private void sync() {
      try {
        List<V1Pod> pods = core.listNamespacedPod(NS).labelSelector(SELECTOR).execute().getItems();
        Set<String> present =
            pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        for (String gone : Set.copyOf(workers.keySet())) {
          if (!present.contains(gone)) {
            stop(gone);
          }
        }
        for (V1Pod pod : pods) {
          String name = pod.getMetadata().getName();
          if (pod.getMetadata().getDeletionTimestamp() != null) {
            stop(name);
            core.deleteNamespacedPod(name, NS).gracePeriodSeconds(0).execute();
            continue;
          }
          created.putIfAbsent(name, pod.getMetadata().getCreationTimestamp().toInstant());
          Instant first = firstSeen.computeIfAbsent(name, n -> Instant.now());
          if (!workers.containsKey(name) && !Instant.now().isBefore(first.plus(startDelay))) {
            workers.put(name, new StandInWorker(name, 1, master));
          }
          StandInWorker worker = workers.get(name);
          boolean ready = worker != null && worker.ready();
          if (!Boolean.valueOf(ready).equals(reported.get(name))) {
            String status =
                "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\""
                    + (ready ? "True" : "False")
                    + "\"}]}}";
            PatchUtils.patch(
                V1Pod.class,
                () -> core.patchNamespacedPodStatus(name, NS, new V1Patch(status)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                client);
            reported.put(name, ready);
          }
        }
      } catch (Exception e) {
        System.out.println("played kubelet: " + e);
      }
    }

    private void stop(String pod) {
      StandInWorker worker = workers.remove(pod);
      if (worker != null) {
        removed.add(new Removal(pod, worker.busy()));
        worker.close();
      }
    }

    @Override
    public void close() {
      loop.shutdownNow();
      workers.values().forEach(StandInWorker::close);
    }
  }
}
