package io.distexec.master.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.balancing.LeastConnectionsBalancer;
import io.distexec.master.balancing.RoundRobinBalancer;
import io.distexec.master.registry.WorkerNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  private static WorkerNode worker(String id, int slots, boolean draining, String... executors) {
    Instant t = Instant.EPOCH;
    return new WorkerNode(
        id,
        "127.0.0.1:1",
        "",
        slots,
        Set.of(executors),
        Map.of(),
        t,
        t,
        0,
        draining,
        false,
        false,
        false);
  }

  private final Scheduler scheduler = new Scheduler(new LeastConnectionsBalancer());

  @Test
  void dispatchesToLeastLoadedWorker() {
    Placement placement =
        scheduler.place(
            "command",
            List.of(worker("w1", 4, false, "command"), worker("w2", 4, false, "command")),
            Map.of("w1", 2, "w2", 1));
    assertThat(placement.workerId()).contains("w2");
    assertThat(placement.passedOver()).containsEntry("w1", "not chosen by least-connections");
  }

  @Test
  void passesOverDrainingFullAndIncapableWorkersAndSaysWhy() {
    Placement placement =
        scheduler.place(
            "command",
            List.of(
                worker("draining", 4, true, "command"),
                worker("full", 2, false, "command"),
                worker("scripts-only", 4, false, "script")),
            Map.of("full", 2));
    assertThat(placement.placed()).isFalse();
    assertThat(placement.passedOver())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "draining", "draining",
                "full", "full (2/2)",
                "scripts-only", "no executor 'command'"));
    assertThat(placement.explain()).startsWith("no worker can take it: ");
  }

  @Test
  void passesOverAWorkerThatLostContactUntilItHeartbeatsAgain() {
    Instant t = Instant.EPOCH;
    WorkerNode unreachable =
        new WorkerNode(
            "gone",
            "127.0.0.1:1",
            "",
            4,
            Set.of("command"),
            Map.of(),
            t,
            t,
            0,
            false,
            false,
            true,
            false);
    Placement placement =
        scheduler.place(
            "command", List.of(unreachable, worker("ok", 4, false, "command")), Map.of());
    assertThat(placement.workerId()).contains("ok");
    assertThat(placement.passedOver())
        .containsEntry("gone", "unreachable until its next heartbeat");
  }

  @Test
  void saysSoWhenNoWorkerIsRegistered() {
    Placement placement = scheduler.place("command", List.of(), Map.of());
    assertThat(placement.placed()).isFalse();
    assertThat(placement.explain()).isEqualTo("no worker is registered");
  }

  @Test
  void roundRobinSpreadsJobsOverEligibleWorkersOnly() {
    Scheduler roundRobin = new Scheduler(new RoundRobinBalancer());
    List<WorkerNode> workers =
        List.of(
            worker("a", 4, false, "command"),
            worker("b", 4, true, "command"),
            worker("c", 4, false, "command"));
    assertThat(
            List.of(
                roundRobin.place("command", workers, Map.of()).workerId().orElseThrow(),
                roundRobin.place("command", workers, Map.of()).workerId().orElseThrow(),
                roundRobin.place("command", workers, Map.of()).workerId().orElseThrow()))
        .containsExactly("a", "c", "a");
  }

  @Test
  void seesAFreeSlotOnlyOnAWorkerThatTakesWorkAndIsNotFull() {
    Scheduler scheduler = new Scheduler(new RoundRobinBalancer());
    List<WorkerNode> workers =
        List.of(worker("full", 2, false, "command"), worker("draining", 2, true, "command"));
    assertThat(scheduler.anyFreeSlot(workers, Map.of("full", 2))).isFalse();
    assertThat(scheduler.anyFreeSlot(workers, Map.of("full", 1))).isTrue();
    assertThat(scheduler.anyFreeSlot(List.of(), Map.of())).isFalse();
  }
}
