package io.distexec.master.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Jobs in memory: nothing survives the process. For tests, and for {@code STORE_URL=memory} when
 * durability is not wanted; the JDBC store is the default.
 */
public final class InMemoryJobStore implements JobStore {

  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, List<Transition>> histories = new ConcurrentHashMap<>();

  /** Insertion order, for listing newest first. */
  private final ConcurrentSkipListMap<Long, String> order = new ConcurrentSkipListMap<>();

  private final Map<String, IdempotencyKey> keys = new HashMap<>();
  private final Map<String, String> jobByKey = new HashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong unfinished = new AtomicLong();
  private final Clock clock;

  public InMemoryJobStore() {
    this(Clock.systemUTC());
  }

  public InMemoryJobStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Job insert(Job job, IdempotencyKey key) throws IdempotencyConflictException {
    synchronized (keys) {
      if (key != null && jobByKey.containsKey(key.key())) {
        String earlier = jobByKey.get(key.key());
        if (!keys.get(earlier).fingerprint().equals(key.fingerprint())) {
          throw new IdempotencyConflictException(key.key(), earlier);
        }
        return jobs.get(earlier);
      }
      if (jobs.putIfAbsent(job.id(), job) != null) {
        throw new IllegalArgumentException("job " + job.id() + " exists already");
      }
      if (key != null) {
        jobByKey.put(key.key(), job.id());
        keys.put(job.id(), key);
      }
    }
    histories.put(job.id(), new ArrayList<>(List.of(Transition.of(job, clock.instant()))));
    order.put(sequence.incrementAndGet(), job.id());
    if (!job.status().isTerminal()) {
      unfinished.incrementAndGet();
    }
    return job;
  }

  @Override
  public List<Job> insertAll(List<NewJob> jobs) throws IdempotencyConflictException {
    synchronized (keys) {
      // Every conflict first: then nothing is stored when one is found.
      for (NewJob j : jobs) {
        String earlier = j.key() == null ? null : jobByKey.get(j.key().key());
        if (earlier != null && !keys.get(earlier).fingerprint().equals(j.key().fingerprint())) {
          throw new IdempotencyConflictException(j.key().key(), earlier);
        }
      }
      List<Job> stored = new ArrayList<>(jobs.size());
      for (NewJob j : jobs) {
        stored.add(insert(j.job(), j.key()));
      }
      return stored;
    }
  }

  @Override
  public Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public Optional<Job> update(String id, UnaryOperator<Job> change) {
    Job[] before = new Job[1];
    Job after =
        jobs.computeIfPresent(
            id,
            (key, current) -> {
              before[0] = current;
              Job next = change.apply(current);
              if (next.status() != current.status()) {
                List<Transition> history = histories.get(id);
                synchronized (history) {
                  history.add(Transition.of(next, clock.instant()));
                }
              }
              return next;
            });
    if (after != null && !before[0].status().isTerminal() && after.status().isTerminal()) {
      unfinished.decrementAndGet();
    }
    return Optional.ofNullable(after);
  }

  @Override
  public List<Transition> history(String id) {
    List<Transition> history = histories.get(id);
    if (history == null) {
      return List.of();
    }
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** The cursor is the insertion number of the last job on the page. */
  @Override
  public Page list(JobQuery query) {
    Map<Long, String> newestFirst = order.descendingMap();
    if (query.cursor() != null) {
      try {
        newestFirst = order.headMap(Long.parseLong(query.cursor()), false).descendingMap();
      } catch (NumberFormatException e) {
        throw new InvalidCursorException(query.cursor());
      }
    }
    List<Job> page = new ArrayList<>(Math.min(query.limit(), 1000));
    long last = -1;
    for (Map.Entry<Long, String> entry : newestFirst.entrySet()) {
      Job job = jobs.get(entry.getValue());
      if (job != null && query.since() != null && job.createdAt().isBefore(query.since())) {
        break; // insertion order is creation order: everything further is older
      }
      if (job == null || !query.matches(job)) {
        continue;
      }
      if (page.size() == query.limit()) {
        return new Page(page, Long.toString(last));
      }
      page.add(job.withoutOutput());
      last = entry.getKey();
    }
    return new Page(page, null);
  }

  @Override
  public boolean failUnreadable(String id, String reason) {
    // Nothing in memory is unreadable; a job that is there is ended like any other.
    boolean[] ended = new boolean[1];
    update(
        id,
        j -> {
          if (j.status().isTerminal()) {
            return j;
          }
          ended[0] = true;
          return j.finished(JobStatus.FAILED, JobOutcome.error(reason), clock.instant());
        });
    return ended[0];
  }

  @Override
  public void forEachUnfinished(Consumer<UnfinishedJob> action) {
    for (String id : order.values()) {
      Job job = jobs.get(id);
      if (job != null && !job.status().isTerminal()) {
        action.accept(UnfinishedJob.of(job));
      }
    }
  }

  @Override
  public List<String> deleteFinishedBefore(Instant cutoff) {
    List<String> removed = new ArrayList<>();
    for (Map.Entry<Long, String> entry : order.entrySet()) {
      Job job = jobs.get(entry.getValue());
      if (job != null
          && job.status().isTerminal()
          && job.finishedAt() != null
          && job.finishedAt().isBefore(cutoff)
          && jobs.remove(job.id(), job)) {
        order.remove(entry.getKey());
        histories.remove(job.id());
        synchronized (keys) {
          IdempotencyKey key = keys.remove(job.id());
          if (key != null) {
            jobByKey.remove(key.key());
          }
        }
        removed.add(job.id());
      }
    }
    return removed;
  }

  @Override
  public long countUnfinished() {
    return unfinished.get();
  }
}
