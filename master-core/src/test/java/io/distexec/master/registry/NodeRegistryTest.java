package io.distexec.master.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeRegistryTest {

  private final MutableClock clock = new MutableClock();
  private final NodeRegistry registry = new NodeRegistry(clock, Duration.ofSeconds(15));
  private final List<String> events = new ArrayList<>();

  NodeRegistryTest() {
    registry.addListener(
        new RegistryListener() {
          @Override
          public void workerAvailable(WorkerNode worker) {
            events.add("available " + worker.id());
          }

          @Override
          public void workerGone(WorkerNode worker, boolean dead, String reason) {
            events.add((dead ? "dead " : "left ") + worker.id() + ": " + reason);
          }
        });
  }

  private static Registration worker(String id) {
    return new Registration(id, "127.0.0.1:5005" + id.length(), "", 4, Set.of("command"), Map.of());
  }

  @Test
  void listsRegisteredWorkersById() {
    registry.register(worker("w2"));
    registry.register(worker("w1"));
    assertThat(registry.snapshot()).extracting(WorkerNode::id).containsExactly("w1", "w2");
    assertThat(events).containsExactly("available w2", "available w1");
  }

  @Test
  void keepsWorkersThatHeartbeatWithinTheTimeout() throws Exception {
    registry.register(worker("w1"));
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(10));
      registry.heartbeat("w1", 1, false);
      assertThat(registry.expire()).isEmpty();
    }
    assertThat(registry.find("w1")).get().extracting(WorkerNode::reportedActiveTasks).isEqualTo(1);
  }

  @Test
  void removesAWorkerSilentForLongerThanTheTimeout() {
    registry.register(worker("w1"));
    clock.advance(Duration.ofSeconds(15));
    assertThat(registry.expire()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(registry.expire()).extracting(WorkerNode::id).containsExactly("w1");
    assertThat(registry.snapshot()).isEmpty();
    assertThat(events).last().isEqualTo("dead w1: worker w1 missed heartbeats for 15 s");
  }

  @Test
  void refusesHeartbeatsFromUnknownWorkersSoTheyRegisterAgain() {
    assertThatThrownBy(() -> registry.heartbeat("ghost", 0, false))
        .isInstanceOf(UnknownWorkerException.class)
        .hasMessage("worker ghost is not registered; register again");
  }

  @Test
  void tellsListenersWhenAWorkerStartsOrStopsDraining() throws Exception {
    registry.register(worker("w1"));
    registry.heartbeat("w1", 0, true);
    registry.heartbeat("w1", 0, true);
    assertThat(registry.find("w1")).get().extracting(WorkerNode::draining).isEqualTo(true);
    assertThat(events).containsExactly("available w1", "available w1");
  }

  @Test
  void marksAWorkerUnreachableUntilItsNextHeartbeat() throws Exception {
    registry.register(worker("w1"));
    registry.markUnreachable("w1", "UNAVAILABLE: connection reset");
    assertThat(registry.find("w1")).get().extracting(WorkerNode::unreachable).isEqualTo(true);
    registry.heartbeat("w1", 0, false);
    assertThat(registry.find("w1")).get().extracting(WorkerNode::unreachable).isEqualTo(false);
    assertThat(events).containsExactly("available w1", "available w1");
  }

  @Test
  void holdsAWorkerForTheAutoscalerAndReleasesIt_butAnOperatorsDrainStays() {
    registry.register(worker("w1"));
    registry.register(worker("w2"));
    assertThat(registry.hold("w1")).isTrue();
    assertThat(registry.hold("nobody")).isFalse();
    WorkerNode held = registry.find("w1").orElseThrow();
    assertThat(held.held()).isTrue();
    assertThat(held.drainRequested()).isTrue();
    assertThat(held.takesNoWork()).isTrue();
    registry.release("w1");
    assertThat(registry.find("w1").orElseThrow().takesNoWork()).isFalse();
    assertThat(events).last().isEqualTo("available w1");

    registry.drain("w2");
    registry.hold("w2");
    registry.release("w2");
    WorkerNode drained = registry.find("w2").orElseThrow();
    assertThat(drained.held()).isFalse();
    assertThat(drained.drainRequested()).isTrue();
    // An operator's drain of a held worker turns the hold into a drain.
    registry.hold("w1");
    registry.drain("w1");
    assertThat(registry.find("w1").orElseThrow().held()).isFalse();
  }

  @Test
  void aDrainOrHoldSurvivesRegisteringAgainButNotLeaving() {
    registry.register(worker("w1"));
    registry.register(worker("w2"));
    registry.drain("w1");
    registry.hold("w2");
    registry.register(worker("w1")); // a missed heartbeat: it registers again
    registry.register(worker("w2"));
    assertThat(registry.find("w1").orElseThrow().drainRequested()).isTrue();
    assertThat(registry.find("w2").orElseThrow().held()).isTrue();
    registry.deregister("w1", "drained");
    registry.register(worker("w1")); // a new process under the same name
    assertThat(registry.find("w1").orElseThrow().takesNoWork()).isFalse();
  }

  @Test
  void deregistersWorkersThatLeave() {
    registry.register(worker("w1"));
    registry.deregister("w1", "shutdown");
    registry.deregister("w1", "twice is harmless");
    assertThat(registry.snapshot()).isEmpty();
    assertThat(events).containsExactly("available w1", "left w1: worker w1 left: shutdown");
  }

  @Test
  void refusesANonPositiveTimeout() {
    assertThatThrownBy(() -> new NodeRegistry(clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
