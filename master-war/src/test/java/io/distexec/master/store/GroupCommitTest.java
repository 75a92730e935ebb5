package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.master.store.GroupCommit.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  private final ExecutorService writers = Executors.newFixedThreadPool(8);
  private final List<List<Integer>> commits = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    writers.shutdownNow();
  }

  private static List<Outcome<String>> values(List<Integer> items) {
    return items.stream().map(i -> Outcome.of("v" + i)).toList();
  }

  @Test
  void aLoneWriterCommitsAtOnceAndAlone() {
    GroupCommit<Integer, String> group =
        new GroupCommit<>(
            items -> {
              commits.add(List.copyOf(items));
              return values(items);
            },
            10);
    assertThat(group.commit(1).value()).isEqualTo("v1");
    assertThat(group.commit(2).value()).isEqualTo("v2");
    assertThat(commits).containsExactly(List.of(1), List.of(2));
  }

  /** Five writers arrive while the first commits: they share the next commits, three at most. */
  @Test
  void writersThatArriveDuringACommitShareTheNextOnesEachGettingItsOwnAnswer() throws Exception {
    CountDownLatch firstCommits = new CountDownLatch(1);
    CountDownLatch letItEnd = new CountDownLatch(1);
    GroupCommit<Integer, String> group =
        new GroupCommit<>(
            items -> {
              commits.add(List.copyOf(items));
              if (items.contains(0)) {
                firstCommits.countDown();
                waitFor(letItEnd);
              }
              return values(items);
            },
            3);
    Future<Outcome<String>> first = writers.submit(() -> group.commit(0));
    assertThat(firstCommits.await(10, TimeUnit.SECONDS)).isTrue();
    List<Future<Outcome<String>>> others = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      int item = i;
      others.add(writers.submit(() -> group.commit(item)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> group.waiting() == 5);
    assertThat(first.isDone()).isFalse(); // nobody is answered before its commit
    letItEnd.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).value()).isEqualTo("v0");
    for (int i = 1; i <= 5; i++) {
      assertThat(others.get(i - 1).get(10, TimeUnit.SECONDS).value()).isEqualTo("v" + i);
    }
    assertThat(commits).extracting(List::size).containsExactly(1, 3, 2);
  }

  @Test
  void aFailedCommitFailsItsOwnWritersAndTheNextCommitGoesOn() {
    RuntimeException down = new IllegalStateException("the database is down");
    GroupCommit<Integer, String> group =
        new GroupCommit<>(
            items -> {
              commits.add(List.copyOf(items));
              if (commits.size() == 1) {
                throw down;
              }
              return values(items);
            },
            10);
    assertThat(group.commit(1).failure()).isSameAs(down);
    assertThat(group.commit(2).value()).isEqualTo("v2");
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
