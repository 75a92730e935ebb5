package io.distexec.master.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.scaling.Decision.CallOff;
import io.distexec.master.scaling.Decision.Drain;
import io.distexec.master.scaling.Decision.Hold;
import io.distexec.master.scaling.Decision.ScaleIn;
import io.distexec.master.scaling.Decision.ScaleOut;
import io.distexec.master.scaling.Fleet.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scaler's decisions, turn by turn, without Kubernetes. */
class ScalingRulesTest {

  private static final Instant T0 = Instant.parse("2026-11-26T06:00:00Z");
  private static final ScalerSettings SETTINGS =
      new ScalerSettings(
          0, 10, 3, 2, Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofMinutes(5), 10);

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private static Worker idle(String id, long idleSinceSeconds) {
    return new Worker(id, 10, 0, false, true, at(idleSinceSeconds));
  }

  private static Worker busy(String id, int running) {
    return new Worker(id, 10, running, false, true, null);
  }

  private static ScalingRules.Turn decide(Fleet fleet, ScalerMemory memory) {
    return ScalingRules.decide(fleet, memory, SETTINGS);
  }

  @Test
  void fromZeroItScalesAtOnceForTheFirstQueuedJob() {
    var turn = decide(new Fleet(at(0), 0, 1, List.of()), ScalerMemory.START);
    assertThat(turn.decision())
        .isEqualTo(new ScaleOut(1, "scaling up from zero: 1 queued, 0 free slots: 0 -> 1"));
  }

  @Test
  void fromZeroABurstGetsAWorkerPerTenJobsUpToTheStep() {
    var turn = decide(new Fleet(at(0), 0, 25, List.of()), ScalerMemory.START);
    assertThat(turn.decision()).isInstanceOf(ScaleOut.class);
    assertThat(((ScaleOut) turn.decision()).replicas()).isEqualTo(3);
    turn = decide(new Fleet(at(0), 0, 100, List.of()), ScalerMemory.START);
    assertThat(((ScaleOut) turn.decision()).replicas()).isEqualTo(3); // the most in one step
  }

  @Test
  void workersAlreadyStartingAreCountedSoItDoesNotOvershoot() {
    // 25 queued, 3 pods asked for and none registered yet: their 30 slots are on the way.
    var turn = decide(new Fleet(at(1), 3, 25, List.of()), new ScalerMemory(null, at(0), List.of()));
    assertThat(turn.decision())
        .isEqualTo(new Hold("25 queued fit in 0 free slots and those of 3 starting"));
  }

  @Test
  void aShortBurstIsRunByTheWorkersThereAreAndALastingOneAddsWorkers() {
    Fleet full = new Fleet(at(100), 1, 15, List.of(busy("w1", 10)));
    var first = decide(full, new ScalerMemory(null, at(0), List.of()));
    assertThat(first.decision())
        .isEqualTo(new Hold("15 queued, 0 free slots for 0 s: more workers once it lasts 5 s"));
    var later = decide(new Fleet(at(105), 1, 15, List.of(busy("w1", 10))), first.memory());
    assertThat(later.decision()).isEqualTo(new ScaleOut(3, "15 queued, 0 free slots: 1 -> 3"));
    assertThat(later.memory().lastChange()).isEqualTo(at(105));
    // The queue drained in between: the window starts again.
    var drained = decide(new Fleet(at(103), 1, 0, List.of(busy("w1", 10))), first.memory());
    assertThat(drained.memory().shortSince()).isNull();
  }

  @Test
  void atTheMostWorkersItHoldsAndSaysSo() {
    List<Worker> ten =
        java.util.stream.IntStream.range(0, 10).mapToObj(i -> busy("w" + i, 10)).toList();
    var turn = decide(new Fleet(at(100), 10, 50, ten), new ScalerMemory(at(0), at(0), List.of()));
    assertThat(turn.decision())
        .isEqualTo(new Hold("50 queued, 0 free slots: at the most workers (10)"));
  }

  @Test
  void scaleInDrainsOnlyWorkersIdleLongEnoughLongestIdleFirstAndNeverABusyOne() {
    Fleet fleet =
        new Fleet(
            at(1000),
            4,
            0,
            List.of(busy("busy", 1), idle("recent", 900), idle("old", 100), idle("older", 50)));
    var turn = decide(fleet, new ScalerMemory(null, at(0), List.of()));
    assertThat(turn.decision())
        .isEqualTo(
            new Drain(
                List.of("older", "old"),
                "nothing queued; older, old idle for 300 s or more: draining to remove"));
    assertThat(turn.memory().draining()).containsExactly("older", "old");
  }

  @Test
  void theReplicasGoDownOnlyOnceTheDrainedWorkersAreSeenNotReady() {
    ScalerMemory draining = new ScalerMemory(null, at(0), List.of("older", "old"));
    Worker olderDraining = new Worker("older", 10, 0, true, false, at(50));
    Worker oldStillReady = new Worker("old", 10, 0, true, true, at(100));
    var waiting =
        decide(
            new Fleet(at(1001), 4, 0, List.of(busy("busy", 1), olderDraining, oldStillReady)),
            draining);
    assertThat(waiting.decision())
        .isEqualTo(new Hold("waiting for drained old to report not ready"));
    Worker oldDraining = new Worker("old", 10, 0, true, false, at(100));
    var done =
        decide(
            new Fleet(at(1002), 4, 0, List.of(busy("busy", 1), olderDraining, oldDraining)),
            waiting.memory());
    assertThat(done.decision())
        .isEqualTo(
            new ScaleIn(2, List.of("older", "old"), "older, old drained and not ready: 4 -> 2"));
    assertThat(done.memory().draining()).isEmpty();
    assertThat(done.memory().lastChange()).isEqualTo(at(1002));
  }

  @Test
  void aScaleInIsCalledOffWhenAChosenWorkerTookWorkOrWorkIsQueued() {
    ScalerMemory draining = new ScalerMemory(null, at(0), List.of("a", "b"));
    Worker aTookWork = new Worker("a", 10, 1, true, false, null);
    Worker b = new Worker("b", 10, 0, true, false, at(10));
    var tookWork = decide(new Fleet(at(1000), 2, 0, List.of(aTookWork, b)), draining);
    assertThat(tookWork.decision())
        .isEqualTo(
            new CallOff(
                List.of("a", "b"), "a took work before the drain: the scale-in is called off"));
    assertThat(tookWork.memory().draining()).isEmpty();
    var queued =
        decide(
            new Fleet(at(1000), 2, 3, List.of(new Worker("a", 10, 0, true, false, at(10)), b)),
            draining);
    assertThat(queued.decision())
        .isEqualTo(new CallOff(List.of("a", "b"), "3 queued: the scale-in of a, b is called off"));
  }

  @Test
  void aScaleInIsCalledOffWhenAChosenWorkerNoLongerDrains() {
    // It registered again, and the master's hold went with its old registration.
    ScalerMemory draining = new ScalerMemory(null, at(0), List.of("a", "b"));
    Worker aBack = new Worker("a", 10, 0, false, true, at(10));
    Worker b = new Worker("b", 10, 0, true, false, at(10));
    assertThat(decide(new Fleet(at(1000), 2, 0, List.of(aBack, b)), draining).decision())
        .isEqualTo(
            new CallOff(List.of("a", "b"), "a takes work again: the scale-in is called off"));
  }

  @Test
  void noScaleInWithinTheWindowAfterAChangeNorBelowTheFewest() {
    Fleet idleFleet = new Fleet(at(1000), 2, 0, List.of(idle("a", 0), idle("b", 0)));
    assertThat(decide(idleFleet, new ScalerMemory(null, at(950), List.of())).decision())
        .isEqualTo(
            new Hold("nothing queued; the workers changed 50 s ago, none is removed within 120 s"));
    ScalerSettings keepTwo =
        new ScalerSettings(2, 10, 3, 2, Duration.ZERO, Duration.ZERO, Duration.ZERO, 10);
    assertThat(ScalingRules.decide(idleFleet, ScalerMemory.START, keepTwo).decision())
        .isEqualTo(new Hold("nothing queued; at the fewest workers (2)"));
  }

  @Test
  void toZeroWhenEveryWorkerIsIdleTwoAtATime() {
    Fleet idleFleet =
        new Fleet(at(1000), 3, 0, List.of(idle("a", 0), idle("b", 10), idle("c", 20)));
    var turn = decide(idleFleet, ScalerMemory.START);
    assertThat(turn.decision()).isInstanceOf(Drain.class);
    assertThat(((Drain) turn.decision()).workers()).containsExactly("a", "b"); // maxStepIn 2
  }

  @Test
  void podsThatNeverRegisteredAreRemovedFirstWhenNothingIsQueued() {
    var turn = decide(new Fleet(at(1000), 3, 0, List.of(idle("a", 990))), ScalerMemory.START);
    assertThat(turn.decision())
        .isEqualTo(
            new ScaleIn(1, List.of(), "nothing queued; 2 starting pods are not needed: 3 -> 1"));
  }

  @Test
  void aWorkerADrainByHandTookOutIsNotCountedAsCapacity() {
    Worker drainedByHand = new Worker("h", 10, 0, true, false, at(0));
    var turn =
        decide(
            new Fleet(at(100), 1, 5, List.of(drainedByHand)),
            new ScalerMemory(at(90), at(0), List.of()));
    assertThat(turn.decision()).isEqualTo(new ScaleOut(2, "5 queued, 0 free slots: 1 -> 2"));
  }
}
