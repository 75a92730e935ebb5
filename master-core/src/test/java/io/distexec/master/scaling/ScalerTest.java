package io.distexec.master.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The scaler's turns against an in-memory pool and registry (fakes, named so: the Kubernetes
 * adapter is tested against a real API server).
 */
class ScalerTest {

  private static final ScalerSettings SETTINGS =
      new ScalerSettings(0, 10, 3, 2, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(60), 10);

  /** A Deployment in memory: what was asked of it. */
  static final class FakePool implements Scaler.Pool {
    int replicas;
    final Map<String, Boolean> pods = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    RuntimeException refuse;

    @Override
    public int replicas() {
      if (refuse != null) {
        throw refuse;
      }
      return replicas;
    }

    @Override
    public Map<String, Boolean> podsReady() {
      return Map.copyOf(pods);
    }

    @Override
    public void scaleTo(int replicas) {
      calls.add("scale " + replicas);
      this.replicas = replicas;
    }

    @Override
    public void removeFirst(List<String> removeFirst, Set<String> others) {
      calls.add("remove first " + removeFirst + " before " + others.stream().sorted().toList());
    }
  }

  /** The master's registry in memory. */
  static final class FakeWorkers implements Scaler.Workers {
    final Map<String, Scaler.Registered> workers = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public List<Scaler.Registered> registered() {
      return List.copyOf(workers.values());
    }

    @Override
    public void drain(String id) {
      calls.add("drain " + id);
      Scaler.Registered w = workers.get(id);
      workers.put(id, new Scaler.Registered(id, w.slots(), w.running(), true));
    }

    @Override
    public void undrain(String id) {
      calls.add("undrain " + id);
    }
  }

  private static final class Ticking extends Clock {
    Instant now = Instant.parse("2026-11-26T06:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void scalesOutFromZeroThenDrainsIdleWorkersAndScalesInOnceTheirPodsAreNotReady() {
    FakePool pool = new FakePool();
    FakeWorkers workers = new FakeWorkers();
    Ticking clock = new Ticking();
    Scaler scaler = new Scaler(SETTINGS, pool, workers, clock);

    assertThat(scaler.turn(25)).isInstanceOf(Decision.ScaleOut.class);
    assertThat(pool.calls).containsExactly("scale 3");

    // Three pods came up and ran the burst; one still runs a task.
    pool.pods.putAll(Map.of("p1", true, "p2", true, "p3", true));
    workers.workers.put("p1", new Scaler.Registered("p1", 10, 0, false));
    workers.workers.put("p2", new Scaler.Registered("p2", 10, 1, false));
    workers.workers.put("p3", new Scaler.Registered("p3", 10, 0, false));
    assertThat(scaler.turn(0)).isInstanceOf(Decision.Hold.class); // idle for 0 s so far
    clock.now = clock.now.plusSeconds(61);
    assertThat(scaler.turn(0))
        .isEqualTo(
            new Decision.Drain(
                List.of("p1", "p3"),
                "nothing queued; p1, p3 idle for 60 s or more: draining to remove"));
    assertThat(workers.calls).containsExactly("drain p1", "drain p3");
    assertThat(pool.calls).endsWith("remove first [p1, p3] before [p2]");

    pool.pods.put("p1", false);
    assertThat(scaler.turn(0))
        .isEqualTo(new Decision.Hold("waiting for drained p3 to report not ready"));
    pool.pods.put("p3", false);
    assertThat(scaler.turn(0)).isInstanceOf(Decision.ScaleIn.class);
    assertThat(pool.calls).endsWith("scale 1"); // p2, the busy one, stays
    assertThat(scaler.status().recent())
        .extracting(e -> e.decision().getClass().getSimpleName())
        .containsExactly("ScaleIn", "Drain", "ScaleOut");
  }

  @Test
  void queuedJobsSayTheyWaitForScalingUpAndTheMetricsFollowTheDecisions() {
    FakePool pool = new FakePool();
    FakeWorkers workers = new FakeWorkers();
    Scaler scaler = new Scaler(SETTINGS, pool, workers, new Ticking());
    // Before the first turn, no worker at all: the next turn adds one.
    assertThat(scaler.explainWait("no worker is registered"))
        .isEqualTo("scaling up: no worker is registered");
    assertThat(scaler.explainWait("all 2 workers busy (20 of 20 slots)"))
        .isEqualTo("all 2 workers busy (20 of 20 slots)");
    scaler.turn(25);
    assertThat(scaler.desired()).isEqualTo(3);
    scaler.turn(25); // three pods asked for, none registered yet
    assertThat(scaler.explainWait("no worker is registered"))
        .isEqualTo("scaling up (3 worker(s) starting): no worker is registered");
    assertThat(scaler.status().decisions()).containsEntry("ScaleOut", 1L);
    assertThat(scaler.status().starting()).isEqualTo(3);
    pool.refuse = new IllegalStateException("the Kubernetes API did not answer");
    scaler.turn(25);
    assertThat(scaler.explainWait("no worker is registered"))
        .isEqualTo(
            "no worker is registered; the autoscaler cannot change the pool: the Kubernetes API"
                + " did not answer");
  }

  @Test
  void aWorkerOutsideThePoolIsNeitherCountedNorDrained() {
    FakePool pool = new FakePool();
    FakeWorkers workers = new FakeWorkers();
    Ticking clock = new Ticking();
    Scaler scaler = new Scaler(SETTINGS, pool, workers, clock);
    pool.replicas = 1;
    pool.pods.put("p1", true);
    workers.workers.put("p1", new Scaler.Registered("p1", 10, 0, false));
    workers.workers.put("laptop", new Scaler.Registered("laptop", 10, 0, false));
    scaler.turn(0);
    clock.now = clock.now.plusSeconds(61);
    assertThat(scaler.turn(0))
        .isEqualTo(
            new Decision.Drain(
                List.of("p1"), "nothing queued; p1 idle for 60 s or more: draining to remove"));
    assertThat(workers.calls).containsExactly("drain p1");
  }

  @Test
  void aRefusalFromTheApiServerIsShownAndTheTurnIsTriedAgain() {
    FakePool pool = new FakePool();
    Scaler scaler = new Scaler(SETTINGS, pool, new FakeWorkers(), new Ticking());
    pool.refuse =
        new IllegalStateException(
            "deployments.apps \"distexec-worker\" is forbidden: User cannot get resource");
    Decision refused = scaler.turn(5);
    assertThat(refused.reason()).contains("is forbidden");
    assertThat(scaler.status().problem()).contains("is forbidden");
    assertThat(pool.calls).isEmpty();
    pool.refuse = null;
    assertThat(scaler.turn(5)).isInstanceOf(Decision.ScaleOut.class);
    assertThat(scaler.status().problem()).isNull();
  }

  @Test
  void aDrainedWorkerThatTookWorkIsTakenBackIntoService() {
    FakePool pool = new FakePool();
    FakeWorkers workers = new FakeWorkers();
    Ticking clock = new Ticking();
    Scaler scaler = new Scaler(SETTINGS, pool, workers, clock);
    pool.replicas = 1;
    pool.pods.put("p1", true);
    workers.workers.put("p1", new Scaler.Registered("p1", 10, 0, false));
    scaler.turn(0);
    clock.now = clock.now.plusSeconds(61);
    assertThat(scaler.turn(0)).isInstanceOf(Decision.Drain.class);
    workers.workers.put("p1", new Scaler.Registered("p1", 10, 1, true)); // a task got there first
    assertThat(scaler.turn(0)).isInstanceOf(Decision.CallOff.class);
    assertThat(workers.calls).containsExactly("drain p1", "undrain p1");
    assertThat(pool.calls).noneMatch(c -> c.startsWith("scale"));
  }
}
