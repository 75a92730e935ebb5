package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.testing.LocalCluster;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two masters on one PostgreSQL elect their leader with a Kubernetes Lease (LEADER_ELECTION=
 * kubernetes) on a real kube-apiserver, as the master's service account with the Role shipped in
 * deploy/: the Lease names the leader and its term, a killed leader's Lease is taken by the other,
 * and a leader paused past its Lease is fenced when it wakes and steps down. HighAvailabilityIT
 * runs the same failures under load with the database's lease.
 */
@ExtendWith(SharedKubeApiServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesLeaderElectionIT {

  private static final String NS = "distexec-lease";

  /** The master's kubeconfig. */
  @TempDir static Path run;

  private static KubeApiServer kube;
  private static LocalCluster cluster;
  private static Rest admin;

  @BeforeAll
  static void start(KubeApiServer shared) throws Exception {
    kube = shared;
    assertThat(kube.kubectl("create", "namespace", NS).exit()).isZero();
    // The master's Role and RoleBinding as shipped, in a namespace of this test's (the API server
    // is shared with KubernetesManifestsIT).
    kube.applyMasterRbac(NS);
    // The workers' Deployment the masters' autoscaler scales (its pods never run: no kubelet).
    KubeApiServer.Result deployment =
        kube.kubectlWithInput(
            KubernetesScalerIT.DEPLOYMENT, "--namespace=" + NS, "apply", "-f", "-");
    assertThat(deployment.exit()).as(deployment.err()).isZero();
    Path kubeconfig = kube.kubeconfigAsMaster(run.resolve("master.kubeconfig"));
    cluster =
        Clusters.start(
            "kubernetes-leader-election-it",
            1,
            Map.of(
                "MASTERS", "2",
                "LEADER_ELECTION", "kubernetes",
                "KUBECONFIG", kubeconfig.toString(),
                "POD_NAMESPACE", NS,
                "LEADER_LEASE_SECONDS", "3",
                "HEARTBEAT_INTERVAL_SECONDS", "1",
                "HEARTBEAT_TIMEOUT_SECONDS", "5",
                "SCALER", "kubernetes",
                "SCALER_INTERVAL_SECONDS", "1"));
    admin = new Rest(cluster);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void theLeaseNamesTheLeaderItsTermAndWhereWorkersReachIt() throws Exception {
    String leader = awaitLeader(cluster.masters());
    JsonObject cluster = clusterView(leader).getJsonObject("leader");
    JsonObject lease = lease();
    JsonObject spec = lease.getJsonObject("spec");
    assertThat(spec.getString("holderIdentity")).isEqualTo(leader);
    assertThat(spec.getInt("leaseTransitions")).isEqualTo(cluster.getJsonNumber("term").intValue());
    assertThat(spec.getInt("leaseDurationSeconds")).isEqualTo(3);
    assertThat(lease.getJsonObject("metadata").getJsonObject("annotations"))
        .containsKeys("distexec.io/incarnation", "distexec.io/cluster-address");
    assertThat(Files.readString(KubernetesLeaderElectionIT.cluster.log(leader)))
        .contains("leader election: Kubernetes Lease " + NS + "/distexec-master");
    assertJobRuns(leader);
    assertJobRuns(other(leader)); // a standby takes the submit; the leader runs it
    // One autoscaler turns, the leader's; the standby's has never taken a turn.
    await().atMost(Duration.ofSeconds(10)).until(() -> lastTurn(leader) != null);
    JsonObject standby = scaler(other(leader));
    assertThat(standby.getBoolean("leading")).isFalse();
    assertThat(standby.getString("leader")).isEqualTo(leader);
    assertThat(lastTurn(other(leader))).isNull();
    assertThat(scaler(leader).getString("pool")).isEqualTo("Deployment " + NS + "/distexec-worker");
  }

  private static JsonObject scaler(String master) throws Exception {
    return admin.at(cluster.masterUrl(master)).get("/api/v1/scaler").json();
  }

  /** When the master's autoscaler last took a turn; null when it never did. */
  private static java.time.Instant lastTurn(String master) throws Exception {
    JsonObject last = scaler(master).getJsonObject("last");
    return last == null || !last.containsKey("at") || last.isNull("at")
        ? null
        : java.time.Instant.parse(last.getString("at"));
  }

  @Test
  @Order(3) // last: the killed master stays down
  void aKilledLeadersLeaseIsTakenByTheOtherWithTheNextTerm() throws Exception {
    String leader = awaitLeader(cluster.masters());
    int term = lease().getJsonObject("spec").getInt("leaseTransitions");
    String survivor = other(leader);
    long killedAt = System.nanoTime(); // kill() returns once the JDK notices, up to seconds later
    cluster.kill(leader);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> survivor.equals(lease().getJsonObject("spec").getString("holderIdentity")));
    long leaseMillis = (System.nanoTime() - killedAt) / 1_000_000;
    java.time.Instant killed = java.time.Instant.now().minusMillis(leaseMillis);
    // The survivor's autoscaler takes its turns from now on.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lastTurn(survivor) != null && lastTurn(survivor).isAfter(killed));
    long scalerMillis = Duration.between(killed, lastTurn(survivor)).toMillis();
    System.out.printf(
        "KubernetesLeaderElectionIT: the Lease was the survivor's %d ms after the kill (lease 3 s);"
            + " its autoscaler's first turn %d ms after%n",
        leaseMillis, scalerMillis);
    // The Lease, an election tick and a turn; loose, for a loaded machine (the figure is printed).
    assertThat(scalerMillis).isLessThan(3_000 + 5_000);
    assertThat(lease().getJsonObject("spec").getInt("leaseTransitions")).isGreaterThan(term);
    await().atMost(Duration.ofSeconds(10)).until(() -> survivor.equals(leaderSeenBy(survivor)));
    assertJobRuns(survivor);
  }

  @Test
  @Order(2)
  void aLeaderPausedPastItsLeaseIsFencedWhenItWakesAndStepsDown() throws Exception {
    String paused = awaitLeader(cluster.masters());
    String other = other(paused);
    int term = lease().getJsonObject("spec").getInt("leaseTransitions");
    cluster.signal(paused, "STOP");
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> other.equals(lease().getJsonObject("spec").getString("holderIdentity")));
      assertThat(lease().getJsonObject("spec").getInt("leaseTransitions")).isGreaterThan(term);
      assertJobRuns(other);
    } finally {
      cluster.signal(paused, "CONT");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> Files.readString(cluster.log(paused)).contains("stops leading: master " + other));
    assertThat(leaderSeenBy(paused)).isEqualTo(other);
    assertThat(lease().getJsonObject("spec").getString("holderIdentity")).isEqualTo(other);
    assertJobRuns(paused);
  }

  private static void assertJobRuns(String master) throws Exception {
    Rest rest = admin.at(cluster.masterUrl(master));
    String id = rest.submit("{\"command\":\"echo\",\"args\":[\"via " + master + "\"]}");
    assertThat(rest.awaitEnd(id, Duration.ofSeconds(30)).getString("status"))
        .as("a job submitted to " + master)
        .isEqualTo("SUCCEEDED");
  }

  private static JsonObject lease() throws Exception {
    KubeApiServer.Result got =
        kube.kubectl("--namespace=" + NS, "get", "lease", "distexec-master", "-o", "json");
    assertThat(got.exit()).as(got.err()).isZero();
    return (JsonObject) Rest.parse(got.out());
  }

  private static String awaitLeader(List<String> masters) {
    List<String> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              seen.clear();
              for (String m : masters) {
                try {
                  String leader = leaderSeenBy(m);
                  if (leader != null) {
                    seen.add(leader);
                  }
                } catch (Exception e) {
                  // that master is not up (yet)
                }
              }
              return !seen.isEmpty() && seen.stream().distinct().count() == 1;
            });
    return seen.get(0);
  }

  private static String leaderSeenBy(String master) throws Exception {
    JsonValue leader = clusterView(master).get("leader");
    return leader == null || leader == JsonValue.NULL
        ? null
        : ((JsonObject) leader).getString("name");
  }

  private static JsonObject clusterView(String master) throws Exception {
    return admin.at(cluster.masterUrl(master)).get("/api/v1/cluster").json();
  }

  private static String other(String master) {
    return cluster.masters().stream().filter(m -> !m.equals(master)).findFirst().orElseThrow();
  }
}
