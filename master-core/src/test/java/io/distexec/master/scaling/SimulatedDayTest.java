package io.distexec.master.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A day of bursty load run in a second on a simulated clock: the scaler's rules against a
 * queue-length rule like KEDA's (desired = queued / 10, scale-in after a 300 s cooldown, pods
 * removed newest first whatever they run), on the same arrivals. Pods take 30 s from being asked
 * for to registering; each has 10 slots. Figures: worker-minutes (pods' lifetimes, starting
 * included), the 95th percentile of the wait from submit to start, and tasks killed by a scale-in
 * (run again from the start).
 */
class SimulatedDayTest {

  private static final Instant MIDNIGHT = Instant.parse("2026-11-26T00:00:00Z");
  private static final int SLOTS = 10;
  private static final int MAX = 20;
  private static final Duration POD_START = Duration.ofSeconds(30);
  private static final Duration TURN = Duration.ofSeconds(5);

  /** One job of the day: when it is submitted and how long it runs. */
  record Arrival(long at, long seconds) {}

  /** What a run of the day cost, and how long jobs waited. */
  record Outcome(
      double workerMinutes, long p95WaitSeconds, long maxWaitSeconds, int killed, int jobs) {}

  /**
   * The day: a few jobs an hour at night, a steady trickle in working hours (07:00-19:00), and
   * bursts of 30-150 jobs (a CI pipeline, a deploy) about every 20 minutes in working hours. Jobs
   * run 5 s to 10 min, most under a minute. Seeded: the same day every run.
   */
  static List<Arrival> day() {
    Random random = new Random(20261126L);
    List<Arrival> arrivals = new ArrayList<>();
    for (long t = 0; t < 86_400; t++) {
      long hour = t / 3600;
      boolean working = hour >= 7 && hour < 19;
      double perSecond = working ? 1 / 60.0 : 3 / 3600.0;
      if (random.nextDouble() < perSecond) {
        arrivals.add(new Arrival(t, duration(random)));
      }
      if (working && random.nextDouble() < 1 / 1200.0) {
        int burst = 30 + random.nextInt(121);
        for (int i = 0; i < burst; i++) {
          arrivals.add(new Arrival(t + random.nextInt(20), duration(random)));
        }
      }
    }
    arrivals.sort(Comparator.comparingLong(Arrival::at));
    return arrivals;
  }

  private static long duration(Random random) {
    // Log-normal around 30 s, clipped to 5 s .. 10 min.
    double seconds = Math.exp(Math.log(30) + random.nextGaussian() * 1.1);
    return Math.max(5, Math.min(600, Math.round(seconds)));
  }

  /** How the pool is steered: given the pool now, the replicas to ask for (and drains to make). */
  interface Policy {
    void turn(Pool pool, long now);
  }

  /** The simulated pool: pods starting and registered, the queue, tasks running. */
  static final class Pool {
    final Deque<Arrival> queue = new ArrayDeque<>();
    final Map<String, Pod> pods = new LinkedHashMap<>();
    final List<Long> waits = new ArrayList<>();
    int replicas;
    int killed;
    int started;
    long podSeconds;
    private int next;

    static final class Pod {
      final String name;
      final long created;
      final List<long[]> tasks = new ArrayList<>(); // {endsAt, submittedAt, seconds}
      boolean draining;
      long idleSince;

      Pod(String name, long created) {
        this.name = name;
        this.created = created;
        this.idleSince = created + POD_START.toSeconds();
      }

      boolean registered(long now) {
        return now >= created + POD_START.toSeconds();
      }
    }

    /** Makes or removes pods to match the replicas, as the ReplicaSet controller does. */
    void reconcile(long now, Comparator<Pod> removalOrder) {
      while (pods.size() < replicas) {
        String name = "pod-" + next++;
        pods.put(name, new Pod(name, now));
      }
      if (pods.size() > replicas) {
        List<Pod> order = new ArrayList<>(pods.values());
        order.sort(removalOrder);
        for (Pod pod : order.subList(0, pods.size() - replicas)) {
          remove(pod, now);
        }
      }
    }

    void remove(Pod pod, long now) {
      for (long[] task : pod.tasks) {
        killed++; // run again from the start, at the head of the queue
        queue.addFirst(new Arrival(task[1], task[2]));
      }
      pods.remove(pod.name);
    }

    void second(long now) {
      podSeconds += pods.size();
      for (Pod pod : pods.values()) {
        if (pod.tasks.removeIf(t -> t[0] <= now) && pod.tasks.isEmpty()) {
          pod.idleSince = now;
        }
      }
      for (Pod pod : pods.values()) {
        while (!queue.isEmpty()
            && !pod.draining
            && pod.registered(now)
            && pod.tasks.size() < SLOTS) {
          Arrival job = queue.pollFirst();
          waits.add(now - job.at());
          started++;
          pod.tasks.add(new long[] {now + job.seconds(), job.at(), job.seconds()});
        }
      }
    }

    Fleet fleet(long now) {
      List<Fleet.Worker> workers =
          pods.values().stream()
              .filter(p -> p.registered(now))
              .map(
                  p ->
                      new Fleet.Worker(
                          p.name,
                          SLOTS,
                          p.tasks.size(),
                          p.draining,
                          !p.draining,
                          p.tasks.isEmpty() ? MIDNIGHT.plusSeconds(p.idleSince) : null))
              .toList();
      return new Fleet(MIDNIGHT.plusSeconds(now), replicas, queue.size(), workers);
    }
  }

  static Outcome run(List<Arrival> arrivals, Policy policy, Comparator<Pool.Pod> removalOrder) {
    Pool pool = new Pool();
    int a = 0;
    for (long now = 0; now < 86_400 || !pool.queue.isEmpty() || busy(pool); now++) {
      while (a < arrivals.size() && arrivals.get(a).at() <= now) {
        pool.queue.addLast(arrivals.get(a++));
      }
      if (now % TURN.toSeconds() == 0) {
        policy.turn(pool, now);
        pool.reconcile(now, removalOrder);
      }
      pool.second(now);
    }
    List<Long> waits = pool.waits.stream().sorted().toList();
    return new Outcome(
        pool.podSeconds / 60.0,
        waits.get((int) Math.ceil(waits.size() * 0.95) - 1),
        waits.get(waits.size() - 1),
        pool.killed,
        arrivals.size());
  }

  private static boolean busy(Pool pool) {
    return pool.pods.values().stream().anyMatch(p -> !p.tasks.isEmpty());
  }

  /** distexec's scaler: its rules, a drain before each scale-in, not-ready pods removed first. */
  static final class Rules implements Policy {
    private final ScalerSettings settings;
    private ScalerMemory memory = ScalerMemory.START;
    final Map<String, Integer> decisions = new LinkedHashMap<>();

    Rules(ScalerSettings settings) {
      this.settings = settings;
    }

    @Override
    public void turn(Pool pool, long now) {
      ScalingRules.Turn turn = ScalingRules.decide(pool.fleet(now), memory, settings);
      memory = turn.memory();
      decisions.merge(turn.decision().getClass().getSimpleName(), 1, Integer::sum);
      Decision decision = turn.decision();
      if (decision instanceof Decision.ScaleOut out) {
        pool.replicas = out.replicas();
      } else if (decision instanceof Decision.ScaleIn in) {
        pool.replicas = in.replicas();
      } else if (decision instanceof Decision.Drain drain) {
        drain.workers().forEach(w -> pool.pods.get(w).draining = true);
      } else if (decision instanceof Decision.CallOff off) {
        off.workers().stream()
            .filter(pool.pods::containsKey)
            .forEach(w -> pool.pods.get(w).draining = false);
      }
    }
  }

  /** A queue-length rule (KEDA's): replicas = ceil(queued / 10), scale-in after 300 s of less. */
  static final class QueueLength implements Policy {
    private final Deque<long[]> recommendations = new ArrayDeque<>(); // {at, replicas}

    @Override
    public void turn(Pool pool, long now) {
      int wanted = Math.min(MAX, (pool.queue.size() + SLOTS - 1) / SLOTS);
      recommendations.addLast(new long[] {now, wanted});
      while (recommendations.peekFirst()[0] < now - 300) {
        recommendations.pollFirst();
      }
      // The HPA's scale-down stabilisation: the highest recommendation of the window.
      long highest = recommendations.stream().mapToLong(r -> r[1]).max().orElse(0);
      pool.replicas = (int) Math.max(wanted, Math.min(pool.replicas, highest));
    }
  }

  /** Without a pod-deletion-cost, which pod goes is not the scaler's to choose: newest first. */
  private static final Comparator<Pool.Pod> NEWEST_FIRST =
      Comparator.comparingLong((Pool.Pod p) -> p.created).reversed();

  /** The ReplicaSet controller: not-ready pods (draining, or still starting) first, then newest. */
  private static final Comparator<Pool.Pod> NOT_READY_FIRST =
      Comparator.comparing((Pool.Pod p) -> !p.draining).thenComparing(NEWEST_FIRST);

  @Test
  void aDayOfBurstsNoTaskKilledAndWaitsAndCostComparedWithAQueueLengthRule() {
    List<Arrival> day = day();
    ScalerSettings settings =
        new ScalerSettings(
            0,
            MAX,
            5,
            2,
            Duration.ofSeconds(5),
            Duration.ofMinutes(2),
            Duration.ofMinutes(3),
            SLOTS);
    Rules rules = new Rules(settings);
    Outcome ours = run(day, rules, NOT_READY_FIRST);
    Outcome keda = run(day, new QueueLength(), NEWEST_FIRST);
    System.out.printf(
        "SimulatedDay: %d jobs; distexec's rules: %.0f worker-minutes, p95 wait %d s (max %d s),"
            + " %d tasks killed, decisions %s; queue-length rule: %.0f worker-minutes, p95 wait %d s"
            + " (max %d s), %d tasks killed%n",
        ours.jobs(),
        ours.workerMinutes(),
        ours.p95WaitSeconds(),
        ours.maxWaitSeconds(),
        ours.killed(),
        rules.decisions,
        keda.workerMinutes(),
        keda.p95WaitSeconds(),
        keda.maxWaitSeconds(),
        keda.killed());

    assertThat(ours.killed()).as("tasks killed by a scale-in").isZero();
    assertThat(keda.killed()).as("the queue-length rule removes busy pods").isPositive();
    assertThat(ours.p95WaitSeconds()).isLessThanOrEqualTo(keda.p95WaitSeconds());
    assertThat(rules.decisions).containsKeys("ScaleOut", "Drain", "ScaleIn");
  }
}
