package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.testing.LocalCluster;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Workers with every slot taken by a long command stay members of the cluster. Before heartbeats
 * had a thread of their own they queued behind blocked task threads in Liberty's shared pool (it
 * starts at two threads per core), and the master declared busy workers dead: on two cores, twelve
 * {@code sleep} jobs ended LOST on both workers.
 */
class BusyWorkersIT {

  @Test
  void workersWithEverySlotBusyKeepHeartbeatingAndFinishEveryJob() throws Exception {
    Map<String, String> fast =
        Map.of(
            "HEARTBEAT_INTERVAL_SECONDS",
            "1",
            "HEARTBEAT_TIMEOUT_SECONDS",
            "3",
            "MAX_CONCURRENT_TASKS",
            "10");
    try (LocalCluster cluster = Clusters.start("busy-workers-it", 2, fast)) {
      Rest rest = new Rest(cluster);
      // 20 slots in all; each job holds a runner thread and two output copiers for 6 s (twice the
      // heartbeat timeout).
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ids.add(
            rest.submit(
                "{\"command\":\"sh\",\"args\":[\"-c\",\"echo start; sleep 6; echo end\"]}"));
      }
      for (String id : ids) {
        JsonObject job = rest.awaitEnd(id, Duration.ofSeconds(60));
        assertThat(job.getString("status")).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.getInt("attempt")).isEqualTo(1);
        assertThat(job.getString("stdout")).isEqualTo("start\nend\n");
      }
      assertThat(rest.get("/api/v1/workers").array()).hasSize(2);
    }
  }
}
