package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.testing.LocalCluster;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workers with every slot taken by a long command stay members of the cluster. Before heartbeats
 * had a thread of their own they queued behind blocked task threads in Liberty's shared pool (it
 * starts at two threads per core), and the master declared busy workers dead: on two cores, twelve
 * {@code sleep} jobs ended LOST on both workers.
 */
@ExtendWith(SharedCluster.class)
class BusyWorkersIT {

  @Test
  void workersWithEverySlotBusyKeepHeartbeatingAndFinishEveryJob(LocalCluster cluster)
      throws Exception {
    // The shared cluster's workers: 10 slots each, declared dead after 3 s without a heartbeat.
    Rest rest = new Rest(cluster);
    // 20 slots in all; each job holds a runner thread and two output copiers for 6 s (twice the
    // heartbeat timeout).
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(
          rest.submit("{\"command\":\"sh\",\"args\":[\"-c\",\"echo start; sleep 6; echo end\"]}"));
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
