package io.distexec.executor.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The window of process ids a task's processes can have, as the kernel's pid counter moves. */
class PidWindowTest {

  private final AtomicLong counter = new AtomicLong();

  private PidWindow windowFrom(long leader, long counterNow) {
    counter.set(counterNow);
    return new PidWindow(leader, counter::get);
  }

  @Test
  void holdsTheIdsHandedOutAfterTheLeaderAndNoOthers() {
    PidWindow window = windowFrom(1000, 1005);
    assertThat(window.mayHold(1003)).isTrue();
    assertThat(window.mayHold(1005)).isTrue();
    assertThat(window.mayHold(1000)).as("the leader itself is looked at separately").isFalse();
    assertThat(window.mayHold(999)).isFalse();
    assertThat(window.mayHold(1006)).as("not handed out yet at the last look").isFalse();
    counter.set(1010);
    window.observe();
    assertThat(window.mayHold(1008)).isTrue();
  }

  @Test
  void listsItsIdsWhenThereAreFew() {
    PidWindow window = windowFrom(1000, 1003);
    assertThat(window.fewIds(10))
        .hasValueSatisfying(ids -> assertThat(ids).containsExactly(1001, 1002, 1003));
    assertThat(window.fewIds(2)).isEmpty();
    counter.set(5); // wrapped: two ranges, listed by the scan instead
    window.observe();
    assertThat(window.fewIds(100_000)).isEmpty();
  }

  @Test
  void afterTheCounterWrapsHoldsBothEnds() {
    PidWindow window = windowFrom(32000, 32700);
    counter.set(400); // wrapped at pid_max
    window.observe();
    assertThat(window.mayHold(32500)).isTrue();
    assertThat(window.mayHold(350)).isTrue();
    assertThat(window.mayHold(500)).isFalse();
    assertThat(window.mayHold(31999)).isFalse();
  }

  @Test
  void aWrapBeforeTheFirstLookCounts() {
    PidWindow window = windowFrom(32700, 300);
    assertThat(window.mayHold(32750)).isTrue();
    assertThat(window.mayHold(300)).isTrue();
    assertThat(window.mayHold(1000)).isFalse();
  }

  @Test
  void holdsEverythingOnceTheCounterComesRoundPastTheLeaderAgain() {
    PidWindow window = windowFrom(1000, 20000);
    counter.set(500);
    window.observe();
    counter.set(1200); // past the leader again: ids below it may be reused by the task's processes
    window.observe();
    assertThat(window.mayHold(10)).isTrue();
    assertThat(window.mayHold(999)).isTrue();
  }

  @Test
  void holdsEverythingWhenTheCounterCannotBeRead() {
    PidWindow window = windowFrom(1000, -1);
    assertThat(window.mayHold(1)).isTrue();
    assertThat(window.mayHold(999_999)).isTrue();
  }

  @Test
  void onThisMachineAFreshChildIsInsideItsParentsWindow() throws Exception {
    Process parent = new ProcessBuilder("sleep", "5").start();
    try {
      PidWindow window = PidWindow.since(parent.pid());
      Process child = new ProcessBuilder("sleep", "5").start();
      try {
        window.observe();
        assertThat(window.mayHold(child.pid())).isTrue();
      } finally {
        child.destroyForcibly();
      }
    } finally {
      parent.destroyForcibly();
    }
  }
}
