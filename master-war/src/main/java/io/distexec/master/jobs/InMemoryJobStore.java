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

  @Override
  public List<Job> list(JobStatus status, int limit) {
    List<Job> result = new ArrayList<>(Math.min(limit, 1000));
    for (String id : order.descendingMap().values()) {
      if (result.size() >= limit) {
        break;
      }
      Job job = jobs.get(id);
      if (job != null && (status == null || job.status() == status)) {
        result.add(job);
      }
    }
    return result;
  }

  @Override
  public long countUnfinished() {
    return unfinished.get();
  }
}
