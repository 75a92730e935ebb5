package io.distexec.master.balancing;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Takes the candidates in turn, whatever their load. */
public final class RoundRobinBalancer implements LoadBalancer {

  public static final String NAME = "round-robin";

  private final AtomicLong counter = new AtomicLong();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Candidate> select(List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    int index = (int) Math.floorMod(counter.getAndIncrement(), (long) candidates.size());
    return Optional.of(candidates.get(index));
  }
}
