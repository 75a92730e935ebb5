package io.distexec.master.scaling;

import io.distexec.master.scaling.Decision.CallOff;
import io.distexec.master.scaling.Decision.Drain;
import io.distexec.master.scaling.Decision.Hold;
import io.distexec.master.scaling.Decision.ScaleIn;
import io.distexec.master.scaling.Decision.ScaleOut;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The scaler's decision: a pure function of the pool as seen now, what it remembers, and its
 * settings. Scale out when queued work exceeds the free slots and those of the workers already
 * starting; scale in only idle workers, in two steps (drain them, then lower the replicas once they
 * are seen not ready, because the ReplicaSet controller removes not-ready pods first), so that a
 * worker with a running task is never the one removed.
 */
public final class ScalingRules {

  private ScalingRules() {}

  /** The decision of one turn and the memory for the next. */
  public record Turn(Decision decision, ScalerMemory memory) {}

  public static Turn decide(Fleet fleet, ScalerMemory memory, ScalerSettings settings) {
    Instant now = fleet.now();
    int slots = slotsPerWorker(fleet, settings);
    int coming = fleet.starting() * slots;
    int shortfall = fleet.queued() - fleet.freeSlots() - coming;
    Instant shortSince = shortfall > 0 ? orNow(memory.shortSince(), now) : null;
    ScalerMemory seen = new ScalerMemory(shortSince, memory.lastChange(), memory.draining());

    if (!memory.draining().isEmpty()) {
      return scaleInUnderWay(fleet, seen);
    }
    if (shortfall > 0) {
      return scaleOut(fleet, seen, settings, shortfall, slots);
    }
    if (fleet.queued() == 0) {
      return scaleIn(fleet, seen, settings);
    }
    return hold(
        seen,
        fleet.queued()
            + " queued fit in "
            + fleet.freeSlots()
            + " free slots"
            + (fleet.starting() > 0 ? " and those of " + fleet.starting() + " starting" : ""));
  }

  private static Turn scaleInUnderWay(Fleet fleet, ScalerMemory memory) {
    List<String> chosen = memory.draining();
    ScalerMemory calledOff = new ScalerMemory(memory.shortSince(), memory.lastChange(), List.of());
    if (fleet.queued() > 0) {
      return new Turn(
          new CallOff(
              chosen,
              fleet.queued() + " queued: the scale-in of " + names(chosen) + " is called off"),
          calledOff);
    }
    List<Fleet.Worker> tookWork =
        fleet.workers().stream().filter(w -> chosen.contains(w.id()) && w.busy()).toList();
    if (!tookWork.isEmpty()) {
      return new Turn(
          new CallOff(
              chosen,
              names(tookWork.stream().map(Fleet.Worker::id).toList())
                  + " took work before the drain: the scale-in is called off"),
          calledOff);
    }
    // A chosen worker that no longer drains (it registered again, and the master's hold went with
    // it) would never report not ready: the step could wait forever.
    List<String> takenBack =
        fleet.workers().stream()
            .filter(w -> chosen.contains(w.id()) && !w.draining())
            .map(Fleet.Worker::id)
            .toList();
    if (!takenBack.isEmpty()) {
      return new Turn(
          new CallOff(chosen, names(takenBack) + " takes work again: the scale-in is called off"),
          calledOff);
    }
    List<String> stillReady =
        fleet.workers().stream()
            .filter(w -> chosen.contains(w.id()) && w.ready())
            .map(Fleet.Worker::id)
            .toList();
    if (!stillReady.isEmpty()) {
      return hold(memory, "waiting for drained " + names(stillReady) + " to report not ready");
    }
    int replicas = Math.max(0, fleet.replicas() - chosen.size());
    return new Turn(
        new ScaleIn(
            replicas,
            chosen,
            names(chosen) + " drained and not ready: " + fleet.replicas() + " -> " + replicas),
        new ScalerMemory(null, fleet.now(), List.of()));
  }

  private static Turn scaleOut(
      Fleet fleet, ScalerMemory memory, ScalerSettings settings, int shortfall, int slots) {
    String need =
        fleet.queued()
            + " queued, "
            + fleet.freeSlots()
            + " free slots"
            + (fleet.starting() > 0 ? ", " + fleet.starting() + " starting" : "");
    if (fleet.replicas() >= settings.maxWorkers()) {
      return hold(memory, need + ": at the most workers (" + settings.maxWorkers() + ")");
    }
    boolean fromZero = fleet.replicas() == 0;
    Duration waited = Duration.between(memory.shortSince(), fleet.now());
    if (!fromZero && waited.compareTo(settings.outWindow()) < 0) {
      return hold(
          memory,
          need
              + " for "
              + waited.toSeconds()
              + " s: more workers once it lasts "
              + settings.outWindow().toSeconds()
              + " s");
    }
    int add =
        Math.min(
            ceilDiv(shortfall, slots),
            Math.min(settings.maxStepOut(), settings.maxWorkers() - fleet.replicas()));
    int replicas = fleet.replicas() + add;
    return new Turn(
        new ScaleOut(
            replicas,
            (fromZero ? "scaling up from zero: " : "")
                + need
                + ": "
                + fleet.replicas()
                + " -> "
                + replicas),
        new ScalerMemory(null, fleet.now(), List.of()));
  }

  private static Turn scaleIn(Fleet fleet, ScalerMemory memory, ScalerSettings settings) {
    Instant now = fleet.now();
    if (fleet.replicas() <= settings.minWorkers()) {
      return hold(memory, "nothing queued; at the fewest workers (" + settings.minWorkers() + ")");
    }
    Duration sinceChange = Duration.between(memory.lastChange(), now);
    if (!memory.lastChange().equals(Instant.MIN)
        && sinceChange.compareTo(settings.inWindow()) < 0) {
      return hold(
          memory,
          "nothing queued; the workers changed "
              + sinceChange.toSeconds()
              + " s ago, none is removed within "
              + settings.inWindow().toSeconds()
              + " s");
    }
    int room = Math.min(settings.maxStepIn(), fleet.replicas() - settings.minWorkers());
    if (fleet.starting() > 0) {
      // Pods that never registered hold no work; the controller removes not-ready pods first.
      int replicas = fleet.replicas() - Math.min(room, fleet.starting());
      return new Turn(
          new ScaleIn(
              replicas,
              List.of(),
              "nothing queued; "
                  + fleet.starting()
                  + " starting pods are not needed: "
                  + fleet.replicas()
                  + " -> "
                  + replicas),
          new ScalerMemory(null, now, List.of()));
    }
    List<String> idle =
        fleet.serving().stream()
            .filter(w -> !w.busy() && w.idleSince() != null)
            .filter(
                w ->
                    Duration.between(w.idleSince(), now).compareTo(settings.idleBeforeRemoval())
                        >= 0)
            .sorted(Comparator.comparing(Fleet.Worker::idleSince).thenComparing(Fleet.Worker::id))
            .map(Fleet.Worker::id)
            .limit(room)
            .toList();
    if (idle.isEmpty()) {
      return hold(
          memory,
          "nothing queued; no worker has been idle "
              + settings.idleBeforeRemoval().toSeconds()
              + " s");
    }
    return new Turn(
        new Drain(
            idle,
            "nothing queued; "
                + names(idle)
                + " idle for "
                + settings.idleBeforeRemoval().toSeconds()
                + " s or more: draining to remove"),
        new ScalerMemory(null, memory.lastChange(), idle));
  }

  /** What a registered worker brings, else what the settings say a new one will. */
  private static int slotsPerWorker(Fleet fleet, ScalerSettings settings) {
    return fleet.workers().stream()
        .mapToInt(Fleet.Worker::slots)
        .max()
        .orElse(settings.slotsPerWorker());
  }

  private static Turn hold(ScalerMemory memory, String reason) {
    return new Turn(new Hold(reason), memory);
  }

  private static Instant orNow(Instant since, Instant now) {
    return since == null ? now : since;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private static String names(List<String> ids) {
    return String.join(", ", ids);
  }
}
