package io.distexec.master.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobQueueTest {

  @Test
  void admitsUpToItsCapacityUntilJobsEnd() {
    JobQueue queue = new JobQueue(2);
    assertThat(queue.admit()).isTrue();
    assertThat(queue.admit()).isTrue();
    assertThat(queue.admit()).isFalse();
    assertThat(queue.unfinished()).isEqualTo(2);
    queue.release();
    assertThat(queue.admit()).isTrue();
  }

  @Test
  void keepsArrivalOrderAndPutsRefusedJobsBackInFront() {
    JobQueue queue = new JobQueue(10);
    queue.add("a");
    queue.add("b");
    queue.add("c");
    assertThat(queue.remove("a")).isTrue();
    queue.addFirst("a");
    assertThat(queue.head(2)).containsExactly("a", "b");
    assertThat(queue.remove("b")).isTrue();
    assertThat(queue.head(10)).containsExactly("a", "c");
  }

  @Test
  void refusesANonPositiveCapacityWithTheSettingName() {
    assertThatThrownBy(() -> new JobQueue(0)).hasMessageContaining("MAX_CONCURRENT_JOBS");
  }
}
