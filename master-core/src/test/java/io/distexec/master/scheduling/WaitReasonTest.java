package io.distexec.master.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.registry.WorkerNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WaitReasonTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private static WorkerNode worker(String id, int slots, Set<String> executors, boolean draining) {
    return new WorkerNode(
        id, "addr", "", slots, executors, Map.of(), T0, T0, 0, draining, false, false, false);
  }

  @Test
  void namesTheMissingExecutor() {
    assertThat(
            WaitReason.explain(
                "gpu",
                List.of(worker("w1", 10, Set.of("command"), false)),
                Map.of(),
                OptionalInt.of(0)))
        .isEqualTo("no worker has executor 'gpu'");
  }

  @Test
  void countsBusySlotsOfEveryWorker() {
    List<WorkerNode> workers =
        List.of(
            worker("w1", 10, Set.of("command"), false), worker("w2", 10, Set.of("command"), false));
    assertThat(
            WaitReason.explain("command", workers, Map.of("w1", 10, "w2", 10), OptionalInt.of(3)))
        .isEqualTo("all 2 workers busy (20 of 20 slots)");
  }

  @Test
  void namesDrainingWorkersAndThoseWithoutTheExecutor() {
    List<WorkerNode> workers =
        List.of(
            worker("w1", 2, Set.of("command"), false),
            worker("w2", 2, Set.of("command"), true),
            worker("w3", 2, Set.of("script"), false));
    assertThat(WaitReason.explain("command", workers, Map.of("w1", 2), OptionalInt.empty()))
        .isEqualTo(
            "1 worker(s) busy (2 of 2 slots); w2 draining; 1 worker(s) without executor 'command'");
  }

  @Test
  void aJobThatCanRunWaitsOnlyForItsTurn() {
    List<WorkerNode> workers = List.of(worker("w1", 2, Set.of("command"), false));
    assertThat(WaitReason.explain("command", workers, Map.of(), OptionalInt.of(5)))
        .isEqualTo("in the queue behind 5 job(s)");
    assertThat(WaitReason.explain("command", workers, Map.of(), OptionalInt.of(0)))
        .isEqualTo("a worker has a free slot: being dispatched");
  }

  @Test
  void aRetrySaysWhyAndWhen() {
    assertThat(
            WaitReason.backoff(
                "attempt 1 exited with code 75; retrying in 4 s", T0.plusSeconds(3), T0))
        .isEqualTo("attempt 1 exited with code 75; next attempt in 3 s");
  }
}
