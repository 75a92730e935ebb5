package io.distexec.master.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Jobs in memory: the walking skeleton's store. Jobs do not survive a master restart; the durable
 * JDBC stores replace it behind the same interface.
 */
public final class InMemoryJobStore implements JobStore {

  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  /** Insertion order, for listing newest first. */
  private final ConcurrentSkipListMap<Long, String> order = new ConcurrentSkipListMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong unfinished = new AtomicLong();

  @Override
  public void insert(Job job) {
    if (jobs.putIfAbsent(job.id(), job) != null) {
      throw new IllegalArgumentException("job " + job.id() + " exists already");
    }
    order.put(sequence.incrementAndGet(), job.id());
    if (!job.status().isTerminal()) {
      unfinished.incrementAndGet();
    }
  }

  @Override
  public Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public Optional<Job> update(String id, UnaryOperator<Job> change) {
    Job[] before = new Job[1];
    Job after = jobs.computeIfPresent(id, (key, current) -> {
      before[0] = current;
      return change.apply(current);
    });
    if (after != null && !before[0].status().isTerminal() && after.status().isTerminal()) {
      unfinished.decrementAndGet();
    }
    return Optional.ofNullable(after);
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
      page.add(job);
      last = entry.getKey();
    }
    return new Page(page, null);
  }

  @Override
  public List<String> deleteFinishedBefore(java.time.Instant cutoff) {
    List<String> removed = new ArrayList<>();
    for (Map.Entry<Long, String> entry : order.entrySet()) {
      Job job = jobs.get(entry.getValue());
      if (job != null && job.status().isTerminal() && job.finishedAt() != null && job.finishedAt().isBefore(cutoff)
          && jobs.remove(job.id(), job)) {
        order.remove(entry.getKey());
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
