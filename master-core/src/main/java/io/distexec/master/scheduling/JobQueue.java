package io.distexec.master.scheduling;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs waiting for a worker, and the bound on unfinished jobs ({@code MAX_CONCURRENT_JOBS}): a
 * job holds one permit from admission until it ends, whether it waits here or runs. When no permit
 * is left, submits are refused instead of accepted and dropped.
 *
 * <p>Jobs wait in one lane per executor type, in arrival order within a lane; the dispatcher takes
 * the oldest head among the lanes a worker can serve now, so jobs that cannot be placed (their only
 * worker drains, no worker has their executor) never hold up jobs of another type behind them. Jobs
 * recovered at start wait in a lane of their own until the dispatcher has read their type.
 */
public final class JobQueue {

  /** A lane's key for recovered jobs whose type is not known yet. */
  public static final String UNKNOWN_TYPE = "";

  /** A waiting job: its place in arrival order, and its id. */
  private record Entry(long seq, String jobId) {}

  /** One type's waiting jobs: requeued and recovered ones in front of new arrivals. */
  private static final class Lane {
    final Deque<Entry> front = new ArrayDeque<>();
    final Deque<Entry> back = new ArrayDeque<>();

    Entry head() {
      return front.isEmpty() ? back.peekFirst() : front.peekFirst();
    }

    /** Takes the job off its end if it is at one: the dispatcher's case, without a scan. */
    boolean removeAtAnEnd(String jobId) {
      for (Deque<Entry> part : List.of(front, back)) {
        if (!part.isEmpty() && part.peekFirst().jobId().equals(jobId)) {
          part.pollFirst();
          return true;
        }
        if (!part.isEmpty() && part.peekLast().jobId().equals(jobId)) {
          part.pollLast();
          return true;
        }
      }
      return false;
    }

    boolean remove(String jobId) {
      return front.removeIf(e -> e.jobId().equals(jobId))
          || back.removeIf(e -> e.jobId().equals(jobId));
    }

    /**
     * The job's place in the lane (0 = head), or -1: searched from both ends at once, so that a job
     * near either end (a new one at the back, the next at the head) is found in a few steps however
     * long the lane is.
     */
    int indexOf(String jobId) {
      int size = size();
      Iterator<Entry> forward = new Chain(front.iterator(), back.iterator());
      Iterator<Entry> backward = new Chain(back.descendingIterator(), front.descendingIterator());
      for (int i = 0, j = size - 1; i <= j; i++, j--) {
        if (forward.next().jobId().equals(jobId)) {
          return i;
        }
        if (backward.next().jobId().equals(jobId)) {
          return j;
        }
      }
      return -1;
    }

    int size() {
      return front.size() + back.size();
    }
  }

  /** One iterator after the other. */
  private record Chain(Iterator<Entry> first, Iterator<Entry> second) implements Iterator<Entry> {
    @Override
    public boolean hasNext() {
      return first.hasNext() || second.hasNext();
    }

    @Override
    public Entry next() {
      return first.hasNext() ? first.next() : second.next();
    }
  }

  /** A lane as the dispatcher sees it: its type and the job at its head. */
  public record Head(String type, String jobId) {}

  private final int capacity;
  private final Semaphore permits;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private long nextSeq;
  private long nextFrontSeq = -1;
  private int waiting;

  /** Permits taken beyond the capacity by jobs recovered at start; paid back first as jobs end. */
  private final AtomicInteger overdraft = new AtomicInteger();

  /** The jobs holding a permit, so that each gives it back exactly once. */
  private final Set<String> held = ConcurrentHashMap.newKeySet();

  public JobQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("MAX_CONCURRENT_JOBS must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.permits = new Semaphore(capacity);
  }

  /**
   * Takes a permit for a new job; false when {@code capacity} jobs are unfinished. The permit is
   * the job's own: it goes back once, by {@link #release}, however many times its end is reported.
   */
  public boolean admit(String jobId) {
    if (!permits.tryAcquire()) {
      return false;
    }
    if (!held.add(jobId)) {
      permits.release(); // it has one already
    }
    return true;
  }

  /**
   * Takes a permit for a job found in the store (recovered at start, or submitted through another
   * master), even beyond the capacity (the capacity may have been lowered meanwhile): an accepted
   * job is never dropped.
   *
   * @return false when the job holds a permit already (it is known here: do not queue it again)
   */
  public boolean admitRecovered(String jobId) {
    if (!held.add(jobId)) {
      return false;
    }
    if (!permits.tryAcquire()) {
      overdraft.incrementAndGet();
    }
    return true;
  }

  /** Gives back the permit of a job that ended (or was never stored); again is a no-op. */
  public void release(String jobId) {
    if (!held.remove(jobId)) {
      return;
    }
    if (overdraft.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 0) {
      permits.release();
    }
  }

  /** Whether the job holds a permit: it is queued, on a worker or waiting for its retry here. */
  public boolean holds(String jobId) {
    return held.contains(jobId);
  }

  /**
   * Forgets every job and gives back every permit: this master stopped leading, and whoever leads
   * next reads the unfinished jobs from the store.
   */
  public synchronized void clear() {
    lanes.clear();
    waiting = 0;
    for (String jobId : List.copyOf(held)) {
      release(jobId);
    }
  }

  /** A job joins the end of its type's lane ({@link #UNKNOWN_TYPE} when not known yet). */
  public synchronized void add(String jobId, String type) {
    lane(type).back.addLast(new Entry(nextSeq++, jobId));
    waiting++;
  }

  /** Puts back a job that a worker refused before starting it: first in its lane. */
  public synchronized void addFirst(String jobId, String type) {
    lane(type).front.addFirst(new Entry(nextFrontSeq--, jobId));
    waiting++;
  }

  /**
   * A recovered job's type is now known: it moves from the unknown lane to its type's lane, ahead
   * of every job that arrived since the start and in its old order among the recovered ones.
   */
  public synchronized void typeOf(String jobId, String type) {
    Lane unknown = lanes.get(UNKNOWN_TYPE);
    if (unknown == null) {
      return;
    }
    for (Entry e : unknown.back) {
      if (e.jobId().equals(jobId)) {
        unknown.back.remove(e);
        dropIfEmpty(UNKNOWN_TYPE, unknown);
        lane(type).front.addLast(e);
        return;
      }
    }
  }

  /** Each lane's head, oldest first. */
  public synchronized List<Head> heads() {
    List<Map.Entry<String, Entry>> heads = new ArrayList<>();
    lanes.forEach((type, lane) -> heads.add(Map.entry(type, lane.head())));
    heads.sort(Comparator.comparingLong(h -> h.getValue().seq()));
    return heads.stream().map(h -> new Head(h.getKey(), h.getValue().jobId())).toList();
  }

  /** The first {@code n} jobs of a lane, in order. */
  public synchronized List<String> lane(String type, int n) {
    Lane lane = lanes.get(type);
    if (lane == null) {
      return List.of();
    }
    List<String> ids = new ArrayList<>(Math.min(n, lane.size()));
    for (Deque<Entry> part : List.of(lane.front, lane.back)) {
      for (Entry e : part) {
        if (ids.size() == n) {
          return ids;
        }
        ids.add(e.jobId());
      }
    }
    return ids;
  }

  public synchronized boolean remove(String jobId) {
    // The dispatcher removes heads: every lane's ends first, before any lane is scanned.
    for (Map.Entry<String, Lane> lane : lanes.entrySet()) {
      if (lane.getValue().removeAtAnEnd(jobId)) {
        waiting--;
        dropIfEmpty(lane.getKey(), lane.getValue());
        return true;
      }
    }
    for (Map.Entry<String, Lane> lane : lanes.entrySet()) {
      if (lane.getValue().remove(jobId)) {
        waiting--;
        dropIfEmpty(lane.getKey(), lane.getValue());
        return true;
      }
    }
    return false;
  }

  /**
   * How many jobs of its lane wait ahead of this one (0 = next), or empty when it is not in the
   * queue.
   */
  public synchronized OptionalInt position(String jobId) {
    for (Lane lane : lanes.values()) {
      int at = lane.indexOf(jobId);
      if (at >= 0) {
        return OptionalInt.of(at);
      }
    }
    return OptionalInt.empty();
  }

  public synchronized int waiting() {
    return waiting;
  }

  public int capacity() {
    return capacity;
  }

  /** Jobs admitted and not yet ended. */
  public int unfinished() {
    return capacity - permits.availablePermits() + overdraft.get();
  }

  private Lane lane(String type) {
    return lanes.computeIfAbsent(type == null ? UNKNOWN_TYPE : type, t -> new Lane());
  }

  private void dropIfEmpty(String type, Lane lane) {
    if (lane.size() == 0) {
      lanes.remove(type);
    }
  }
}
