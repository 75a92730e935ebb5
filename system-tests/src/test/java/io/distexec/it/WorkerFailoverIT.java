package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.testing.LocalCluster;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers leaving: stopped gracefully (running work finishes, new work goes elsewhere) and killed
 * with SIGKILL (its job ends LOST with the reason, new work goes elsewhere). The tests share one
 * cluster: each takes worker-2 away, and worker-2 is started again before the next.
 */
class WorkerFailoverIT {

  private static LocalCluster cluster;
  private static Rest rest;

  @BeforeAll
  static void start() throws Exception {
    cluster = Clusters.start("worker-failover-it", 2, FAST);
    rest = new Rest(cluster);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Both workers registered and idle: worker-2 started again if a test took it away. */
  @BeforeEach
  void bothWorkersUp() throws Exception {
    cluster.awaitIdle(Duration.ofSeconds(60));
    boolean alive;
    try {
      alive = ProcessHandle.of(cluster.pid("worker-2")).map(ProcessHandle::isAlive).orElse(false);
    } catch (java.io.UncheckedIOException e) {
      alive = false; // stopped: no pid file
    }
    if (alive && !workerIds(rest).contains("worker-2")) {
      cluster.stop("worker-2"); // drained: its server runs on, idle, until stopped
      alive = false;
    }
    if (!alive) {
      cluster.restart("worker-2");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> workerIds(rest).equals(List.of("worker-1", "worker-2")));
  }

  /** Fast heartbeats so that a dead worker is noticed within seconds. */
  private static final Map<String, String> FAST =
      Map.of(
          "HEARTBEAT_INTERVAL_SECONDS", "1",
          "HEARTBEAT_TIMEOUT_SECONDS", "3",
          "LOAD_BALANCER", "least-connections");

  /** Submits one long job per worker and returns the id of the one on {@code worker}. */
  private static String longJobOn(Rest rest, String worker, int seconds) throws Exception {
    return longJobOn(rest, worker, seconds, 1);
  }

  private static String longJobOn(Rest rest, String worker, int seconds, int maxAttempts)
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ids.add(
          rest.submit(
              "{\"command\":\"sleep\",\"args\":[\""
                  + seconds
                  + "\"],\"maxAttempts\":"
                  + maxAttempts
                  + "}"));
    }
    String[] found = new String[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (String id : ids) {
                JsonObject job = rest.get("/api/v1/jobs/" + id).json();
                if (job.getString("status").equals("RUNNING")
                    && worker.equals(job.getString("worker", null))) {
                  found[0] = id;
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  private static List<String> workerIds(Rest rest) throws Exception {
    return rest.get("/api/v1/workers").array().stream()
        .map(w -> ((JsonObject) w).getString("id"))
        .toList();
  }

  private static void newJobsGoTo(Rest rest, String worker) throws Exception {
    for (int i = 0; i < 5; i++) {
      JsonObject job =
          rest.awaitEnd(
              rest.submit("{\"command\":\"echo\",\"args\":[\"after\"]}"), Duration.ofSeconds(30));
      assertThat(job.getString("status")).isEqualTo("SUCCEEDED");
      assertThat(job.getString("worker")).isEqualTo(worker);
    }
  }

  @Test
  void aStoppedWorkerFinishesItsJobAndNewJobsGoToTheOther() throws Exception {
    String running = longJobOn(rest, "worker-2", 4);

    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(
            () -> {
              try {
                cluster.stop("worker-2");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // While it drains, the master sees it as draining or gone, never as a target.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rest.get("/api/v1/workers").body().contains("DRAINING")
                    || !workerIds(rest).contains("worker-2"));
    JsonObject job = rest.awaitEnd(running, Duration.ofSeconds(60));
    assertThat(job.getString("status")).as(job.toString()).isEqualTo("SUCCEEDED");
    assertThat(job.getString("worker")).isEqualTo("worker-2");
    stopping.get();

    await().atMost(Duration.ofSeconds(10)).until(() -> workerIds(rest).equals(List.of("worker-1")));
    newJobsGoTo(rest, "worker-1");
  }

  @Test
  void aDrainedWorkerFinishesItsJobLeavesAndNewJobsGoToTheOther() throws Exception {
    String running = longJobOn(rest, "worker-2", 3);

    Rest.Answer drained = rest.post("/api/v1/workers/worker-2/drain", "");
    assertThat(drained.status()).isEqualTo(200);
    assertThat(drained.json().getString("state")).isEqualTo("DRAINING");
    assertThat(rest.post("/api/v1/workers/no-such-worker/drain", "").status()).isEqualTo(404);

    JsonObject job = rest.awaitEnd(running, Duration.ofSeconds(30));
    assertThat(job.getString("status")).isEqualTo("SUCCEEDED");
    await().atMost(Duration.ofSeconds(15)).until(() -> workerIds(rest).equals(List.of("worker-1")));
    newJobsGoTo(rest, "worker-1");
    // The drained worker's server keeps running, idle, until an operator stops it.
    assertThat(ProcessHandle.of(cluster.pid("worker-2")))
        .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
  }

  @Test
  void aKilledWorkersJobsWithAttemptsLeftFinishOnTheOther() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(rest.submit("{\"command\":\"sleep\",\"args\":[\"3\"],\"maxAttempts\":2}"));
    }
    // Least connections spreads them: two on each worker, all running.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                ids.stream()
                    .allMatch(
                        id -> {
                          try {
                            return rest.get("/api/v1/jobs/" + id)
                                .json()
                                .getString("status")
                                .equals("RUNNING");
                          } catch (Exception e) {
                            return false;
                          }
                        }));
    cluster.kill("worker-2");

    int retried = 0;
    for (String id : ids) {
      JsonObject job = rest.awaitEnd(id, Duration.ofSeconds(60));
      assertThat(job.getString("status")).as(job.toString()).isEqualTo("SUCCEEDED");
      if (job.getInt("attempt") == 2) {
        retried++;
        assertThat(job.getString("worker")).isEqualTo("worker-1");
        assertThat(
                job.getJsonArray("history").stream()
                    .map(h -> ((JsonObject) h).getString("status"))
                    .toList())
            .containsSubsequence("RUNNING", "QUEUED", "DISPATCHED", "RUNNING", "SUCCEEDED");
      }
    }
    assertThat(retried).isEqualTo(2);
    System.out.printf(
        "kill -9 of a worker with maxAttempts 2: %d of %d jobs retried on worker-1, all SUCCEEDED%n",
        retried, ids.size());
  }

  @Test
  void aPausedWorkersLateResultIsFencedOffAndTheRetrysOutcomeStays() throws Exception {
    String running = longJobOn(rest, "worker-2", 4, 2);
    long paused = cluster.pid("worker-2");
    signal("STOP", paused);
    try {
      // Past the 3 s heartbeat timeout worker-2 is dead; the job runs again on worker-1.
      JsonObject job = rest.awaitEnd(running, Duration.ofSeconds(60));
      assertThat(job.getString("status")).isEqualTo("SUCCEEDED");
      assertThat(job.getString("worker")).isEqualTo("worker-1");
      assertThat(job.getInt("attempt")).isEqualTo(2);
    } finally {
      signal("CONT", paused);
    }
    // worker-2 wakes up, finishes its stale attempt and re-registers; nothing of it reaches the
    // job.
    await().atMost(Duration.ofSeconds(20)).until(() -> workerIds(rest).contains("worker-2"));
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(8))
        .until(
            () -> {
              JsonObject job = rest.get("/api/v1/jobs/" + running).json();
              return job.getString("worker").equals("worker-1")
                  && job.getInt("attempt") == 2
                  && job.getString("status").equals("SUCCEEDED");
            });
  }

  private static void signal(String signal, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor())
        .isZero();
  }

  @Test
  void aKilledWorkersJobEndsLostAndNewJobsGoToTheOther() throws Exception {
    String running = longJobOn(rest, "worker-2", 5);

    cluster.kill("worker-2");

    JsonObject job = rest.awaitEnd(running, Duration.ofSeconds(30));
    assertThat(job.getString("status")).isEqualTo("LOST");
    assertThat(job.getString("error")).contains("worker-2");
    await().atMost(Duration.ofSeconds(15)).until(() -> workerIds(rest).equals(List.of("worker-1")));
    newJobsGoTo(rest, "worker-1");
  }
}
