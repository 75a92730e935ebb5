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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The master killed with SIGKILL while it holds hundreds of accepted jobs, some queued, some
 * running on workers, some done, and started again on its store: every job ends, each exactly once,
 * and each job's side effect (a line appended to a file) is there. On the embedded store; on
 * PostgreSQL the same recovery runs when another master takes over (HighAvailabilityIT kills the
 * leader of two, which comes back on the same store as a standby).
 */
class MasterRestartIT {

  private static final Map<String, String> FAST =
      Map.of(
          "HEARTBEAT_INTERVAL_SECONDS", "1",
          "HEARTBEAT_TIMEOUT_SECONDS", "5");

  @Test
  void aKilledMasterOnTheEmbeddedStoreLosesNoAcceptedJobAndRunsNoneTwice() throws Exception {
    killMasterWithJobsAndRestart("master-restart-it", FAST, 250);
  }

  private static void killMasterWithJobsAndRestart(
      String name, Map<String, String> settings, int jobCount) throws Exception {
    try (LocalCluster cluster = Clusters.start(name, 2, settings)) {
      Rest rest = new Rest(cluster);
      Path effects = Files.createTempFile("distexec-effects", ".txt");
      Map<String, Integer> indexOf = new HashMap<>();
      for (int i = 0; i < jobCount; i++) {
        // Each job appends its index to the file: the side effect the test counts afterwards.
        String id =
            rest.submit(
                "{\"command\":\"sh\",\"args\":[\"-c\",\"sleep 0.4; echo $0 >> $1\",\""
                    + i
                    + "\",\""
                    + effects
                    + "\"]}");
        indexOf.put(id, i);
      }
      Map<String, Long> atKill = countByStatus(jobs(rest));
      cluster.kill("master");
      System.out.println(name + ": jobs by state when the master was killed: " + atKill);
      assertThat(indexOf).hasSize(jobCount);

      // The crashed master comes back with the one command users know; the workers, which kept
      // running their tasks, are left be.
      long worker1 = cluster.pid("worker-1");
      String up = cluster.script("up");
      assertThat(up).contains("worker-1 is running already: left alone").contains("ready in");
      assertThat(cluster.pid("worker-1")).isEqualTo(worker1);
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  jobs(rest).stream().allMatch(j -> Rest.TERMINAL.contains(j.getString("status"))));

      List<JsonObject> jobs = jobs(rest);
      assertThat(jobs).hasSize(jobCount);
      Map<String, Long> after = countByStatus(jobs);
      System.out.println(name + ": jobs by state after the restart: " + after);
      // No worker died, so no attempt was lost: every job succeeded on its first attempt.
      assertThat(after).containsExactly(Map.entry("SUCCEEDED", (long) jobCount));
      assertThat(jobs).allSatisfy(j -> assertThat(j.getInt("attempt")).isEqualTo(1));

      Map<Integer, Long> effectsPerJob =
          Files.readAllLines(effects).stream()
              .collect(
                  Collectors.groupingBy(Integer::valueOf, TreeMap::new, Collectors.counting()));
      assertThat(effectsPerJob).hasSize(jobCount);
      assertThat(effectsPerJob.values()).allMatch(n -> n == 1);
      assertThat(jobs.stream().map(j -> indexOf.get(j.getString("id")))).doesNotContainNull();
      Files.delete(effects);
    }
  }

  /** Every job, through the paged listing. */
  private static List<JsonObject> jobs(Rest rest) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page =
          rest.get("/api/v1/jobs?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.getJsonArray("jobs").forEach(j -> all.add((JsonObject) j));
      JsonValue next = page.get("nextCursor");
      cursor = next == null || next == JsonValue.NULL ? null : page.getString("nextCursor");
    } while (cursor != null);
    return all;
  }

  private static Map<String, Long> countByStatus(List<JsonObject> jobs) {
    return jobs.stream()
        .collect(
            Collectors.groupingBy(j -> j.getString("status"), TreeMap::new, Collectors.counting()));
  }
}
