package io.distexec.master.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ElectionTest {

  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

  @ParameterizedTest(name = "{0}/{1}, expires {2}s from now: {3}")
  @CsvSource({
    // holder, incarnation, expires in (s), claim of master "a" incarnation "1"
    ",,0,TAKE", // nobody ever led
    "a,1,5,RENEW", // it leads
    "a,1,-5,RENEW", // it leads, late: nobody took over meanwhile
    "a,0,5,TAKE", // an earlier run of the same master, killed: no need to wait
    "b,7,5,WAIT", // another leads
    "b,7,0,TAKE", // another's lease ran out this instant
    "b,7,-1,TAKE",
  })
  void decidesWhoLeads(String holder, String incarnation, long expiresIn, LeaseRules.Claim claim) {
    Lease lease =
        new Lease(
            holder, incarnation, 3, "x:1", NOW.minusSeconds(60), NOW.plusSeconds(expiresIn), NOW);
    if (holder == null) {
      lease = Lease.none(NOW);
    }
    assertThat(LeaseRules.decide(lease, "a", "1")).isEqualTo(claim);
  }

  @Test
  void oneLeadsAtATimeTheOtherTakesOverWhenTheLeaseRunsOutWithAHigherTerm() {
    MutableClock clock = new MutableClock();
    InMemoryLeaseStore store = new InMemoryLeaseStore(clock);
    List<String> events = new ArrayList<>();
    Election a = election(store, "a", clock, events);
    Election b = election(store, "b", clock, events);

    a.tick();
    b.tick();
    assertThat(a.leading()).isTrue();
    assertThat(b.leading()).isFalse();
    assertThat(b.leaderClusterAddress()).hasValue("a:50050");
    long first = a.term();

    // a stops renewing (killed, paused): b waits out the lease, then leads with a newer term
    clock.advance(Duration.ofSeconds(4));
    b.tick();
    assertThat(b.leading()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    b.tick();
    assertThat(b.leading()).isTrue();
    assertThat(b.term()).isGreaterThan(first);

    // a wakes up: its next turn finds b in charge, and it steps down
    a.tick();
    assertThat(a.leading()).isFalse();
    assertThat(a.term()).isEqualTo(first); // the term its late writes carry, and fail with
    assertThat(events)
        .containsExactly(
            "a elected " + first,
            "b elected " + b.term(),
            "a deposed: master b leads now (term " + b.term() + ")");
  }

  @Test
  void aLeaderThatStopsLetsGoAtOnce() {
    MutableClock clock = new MutableClock();
    InMemoryLeaseStore store = new InMemoryLeaseStore(clock);
    List<String> events = new ArrayList<>();
    Election a = election(store, "a", clock, events);
    Election b = election(store, "b", clock, events);
    a.tick();
    a.resign();
    b.tick();
    assertThat(b.leading()).isTrue();
  }

  @Test
  void aLeaderThatCannotReachTheStoreStepsDownBeforeItsLeaseRunsOut() {
    MutableClock clock = new MutableClock();
    boolean[] down = {false};
    InMemoryLeaseStore real = new InMemoryLeaseStore(clock);
    LeaseStore flaky =
        new LeaseStore() {
          @Override
          public Lease claim(String n, String i, String c, Duration d) {
            if (down[0]) {
              throw new IllegalStateException("connection refused");
            }
            return real.claim(n, i, c, d);
          }

          @Override
          public void release(String n, String i) {}

          @Override
          public void checkIn(Member me) {}

          @Override
          public List<Member> members(Instant since) {
            return List.of();
          }
        };
    List<String> events = new ArrayList<>();
    Election a = election(flaky, "a", clock, events);
    a.tick();
    down[0] = true;
    clock.advance(Duration.ofSeconds(3));
    a.tick();
    assertThat(a.leading()).isTrue(); // a passing failure
    clock.advance(Duration.ofSeconds(1));
    a.tick();
    assertThat(a.leading()).isFalse(); // one tick before the lease could run out
    assertThat(events.get(1)).contains("could not renew the lease", "connection refused");
  }

  private static Election election(
      LeaseStore store, String name, MutableClock clock, List<String> events) {
    Election e =
        new Election(
            store, name, "run-1", name + ":9080", name + ":50050", Duration.ofSeconds(5), clock);
    e.listen(
        new Election.Listener() {
          @Override
          public void elected(Lease lease) {
            events.add(name + " elected " + lease.term());
          }

          @Override
          public void deposed(String reason) {
            events.add(name + " deposed: " + reason);
          }
        });
    return e;
  }
}
