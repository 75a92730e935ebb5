package io.distexec.master.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JobQueueTest {

  @Test
  void admitsUpToItsCapacityUntilJobsEnd() {
    JobQueue queue = new JobQueue(2);
    assertThat(queue.admit("a")).isTrue();
    assertThat(queue.admit("b")).isTrue();
    assertThat(queue.admit("c")).isFalse();
    assertThat(queue.unfinished()).isEqualTo(2);
    queue.release("a");
    assertThat(queue.admit("c")).isTrue();
  }

  @Test
  void aJobGivesItsPermitBackOnceHoweverOftenItsEndIsReported() {
    JobQueue queue = new JobQueue(2);
    assertThat(queue.admit("a")).isTrue();
    assertThat(queue.admit("b")).isTrue();
    queue.release("a");
    queue.release("a");
    queue.release("never-admitted");
    assertThat(queue.unfinished()).isEqualTo(1);
    assertThat(queue.admit("c")).isTrue();
    assertThat(queue.admit("d")).isFalse();
  }

  @Test
  void aJobAnnouncedByAnotherMasterIsQueuedOnceEvenWhenKnownHereAlready() {
    JobQueue queue = new JobQueue(1);
    assertThat(queue.admit("mine")).isTrue();
    assertThat(queue.admitRecovered("mine")).isFalse(); // its own submit, announced back
    assertThat(queue.admitRecovered("theirs")).isTrue(); // beyond the capacity: never dropped
    assertThat(queue.admitRecovered("theirs")).isFalse();
    assertThat(queue.unfinished()).isEqualTo(2);
    queue.release("theirs");
    queue.release("mine");
    assertThat(queue.unfinished()).isZero();
  }

  @Test
  void clearingForgetsEveryJobAndPermit() {
    JobQueue queue = new JobQueue(2);
    queue.admit("a");
    queue.add("a", "command");
    queue.admitRecovered("b");
    queue.admitRecovered("c");
    queue.clear();
    assertThat(queue.unfinished()).isZero();
    assertThat(queue.heads()).isEmpty();
    assertThat(queue.holds("a")).isFalse();
    assertThat(queue.admit("a")).isTrue();
  }

  @Test
  void keepsArrivalOrderAndPutsRefusedJobsBackInFront() {
    JobQueue queue = new JobQueue(10);
    queue.add("a", "command");
    queue.add("b", "command");
    queue.add("c", "command");
    assertThat(queue.remove("a")).isTrue();
    queue.addFirst("a", "command");
    assertThat(queue.lane("command", 2)).containsExactly("a", "b");
    assertThat(queue.remove("b")).isTrue();
    assertThat(queue.lane("command", 10)).containsExactly("a", "c");
    assertThat(queue.position("c")).hasValue(1);
    assertThat(queue.waiting()).isEqualTo(2);
  }

  @Test
  void keepsALanePerTypeAndOffersTheirHeadsOldestFirst() {
    JobQueue queue = new JobQueue(200);
    for (int i = 0; i < 100; i++) {
      queue.add("gpu-" + i, "gpu");
    }
    queue.add("cmd", "command");
    assertThat(queue.heads())
        .containsExactly(new JobQueue.Head("gpu", "gpu-0"), new JobQueue.Head("command", "cmd"));
    assertThat(queue.position("cmd")).hasValue(0);
    assertThat(queue.remove("cmd")).isTrue();
    assertThat(queue.heads()).containsExactly(new JobQueue.Head("gpu", "gpu-0"));
  }

  @Test
  void movesRecoveredJobsToTheirLaneAheadOfNewArrivalsInTheirOldOrder() {
    JobQueue queue = new JobQueue(10);
    queue.add("old-1", JobQueue.UNKNOWN_TYPE);
    queue.add("old-2", JobQueue.UNKNOWN_TYPE);
    queue.add("new", "command");
    queue.typeOf("old-1", "command");
    queue.typeOf("old-2", "command");
    assertThat(queue.lane("command", 10)).containsExactly("old-1", "old-2", "new");
    assertThat(queue.lane(JobQueue.UNKNOWN_TYPE, 10)).isEmpty();
    assertThat(queue.waiting()).isEqualTo(3);
  }

  /**
   * Positions and removals (found from both ends of a lane, ends first) agree with a plain list of
   * the lane, through random adds at the back, puts in front and removals anywhere.
   */
  @Test
  void positionsAndRemovalsMatchAPlainListOfTheLane() {
    JobQueue queue = new JobQueue(10_000);
    List<String> model = new ArrayList<>();
    Random random = new Random(42);
    for (int step = 0; step < 5_000; step++) {
      int op = random.nextInt(10);
      String id = "j" + step;
      if (op < 5 || model.isEmpty()) {
        queue.add(id, "cmd");
        model.add(id);
      } else if (op < 6) {
        queue.addFirst(id, "cmd");
        model.add(0, id);
      } else if (op < 7) {
        String gone = model.remove(model.size() - 1);
        assertThat(queue.remove(gone)).isTrue();
      } else if (op < 9) {
        String gone = model.remove(random.nextInt(model.size()));
        assertThat(queue.remove(gone)).isTrue();
      } else {
        String head = model.remove(0);
        assertThat(queue.remove(head)).isTrue();
      }
      if (!model.isEmpty()) {
        int probe = random.nextInt(model.size());
        assertThat(queue.position(model.get(probe))).hasValue(probe);
      }
      assertThat(queue.position("nowhere")).isEmpty();
      assertThat(queue.remove("nowhere")).isFalse();
    }
    assertThat(queue.lane("cmd", Integer.MAX_VALUE)).isEqualTo(model);
    for (int i = 0; i < model.size(); i++) {
      assertThat(queue.position(model.get(i))).hasValue(i);
    }
  }

  @Test
  void refusesANonPositiveCapacityWithTheSettingName() {
    assertThatThrownBy(() -> new JobQueue(0)).hasMessageContaining("MAX_CONCURRENT_JOBS");
  }
}
