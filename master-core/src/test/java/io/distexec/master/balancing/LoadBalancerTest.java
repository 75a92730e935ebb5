package io.distexec.master.balancing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What every balancer does, and what each does differently. */
class LoadBalancerTest {

  private static final List<Candidate> THREE =
      List.of(new Candidate("a", 0, 10), new Candidate("b", 0, 10), new Candidate("c", 0, 10));

  @Test
  void everyBalancerReturnsNothingForNoCandidatesAndSomeoneOtherwise() {
    for (LoadBalancer balancer :
        List.of(new RoundRobinBalancer(), new LeastConnectionsBalancer())) {
      assertThat(balancer.select(List.of())).as(balancer.name()).isEmpty();
      assertThat(balancer.select(THREE)).as(balancer.name()).get().isIn(THREE);
    }
  }

  @Test
  void roundRobinTakesEachCandidateInTurn() {
    RoundRobinBalancer balancer = new RoundRobinBalancer();
    List<String> picks =
        IntStream.range(0, 6)
            .mapToObj(i -> balancer.select(THREE).orElseThrow().workerId())
            .toList();
    assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c");
  }

  @Test
  void leastConnectionsPicksTheLeastLoadedRelativeToCapacity() {
    LeastConnectionsBalancer balancer = new LeastConnectionsBalancer();
    List<Candidate> candidates =
        List.of(
            new Candidate("small", 2, 4), // 50 % busy
            new Candidate("big", 3, 20), // 15 % busy
            new Candidate("medium", 1, 5)); // 20 % busy
    assertThat(balancer.select(candidates)).get().extracting(Candidate::workerId).isEqualTo("big");
  }

  @Test
  void leastConnectionsBreaksTiesByIdSoChoicesAreRepeatable() {
    assertThat(
            new LeastConnectionsBalancer()
                .select(List.of(new Candidate("b", 1, 10), new Candidate("a", 1, 10))))
        .get()
        .extracting(Candidate::workerId)
        .isEqualTo("a");
  }

  @Test
  void isChosenByNameAndExplainsUnknownNames() {
    assertThat(LoadBalancers.named("round-robin")).isInstanceOf(RoundRobinBalancer.class);
    assertThat(LoadBalancers.named(" Least-Connections "))
        .isInstanceOf(LeastConnectionsBalancer.class);
    assertThatThrownBy(() -> LoadBalancers.named("random"))
        .hasMessage("LOAD_BALANCER is 'random'; use 'round-robin' or 'least-connections'");
  }
}
