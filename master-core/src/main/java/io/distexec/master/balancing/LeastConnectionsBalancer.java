package io.distexec.master.balancing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Takes the candidate with the fewest tasks in flight relative to its capacity, so that a worker
 * with 20 slots gets twice the work of one with 10. Ties go to the lowest id, which keeps the
 * choice deterministic.
 */
public final class LeastConnectionsBalancer implements LoadBalancer {

  public static final String NAME = "least-connections";

  private static final Comparator<Candidate> BY_LOAD =
      Comparator.comparingDouble((Candidate c) -> (double) c.inFlight() / Math.max(1, c.capacity()))
          .thenComparing(Candidate::workerId);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Candidate> select(List<Candidate> candidates) {
    return candidates.stream().min(BY_LOAD);
  }
}
