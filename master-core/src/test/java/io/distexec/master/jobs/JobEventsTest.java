package io.distexec.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.executor.StdStream;
import io.distexec.master.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobEventsTest {

  private final MutableClock clock = new MutableClock();
  private final JobEvents events = new JobEvents(10, clock);
  private final Job queued = Job.queued("j1", JobSpec.command("echo"), clock.instant());

  private static final class Recorder implements JobEvents.Watcher {
    final List<Long> sequences = new ArrayList<>();
    final StringBuilder stdout = new StringBuilder();
    boolean ended;

    @Override
    public void event(JobEvents.Event event) {
      sequences.add(event.sequence());
      if (event instanceof JobEvents.OutputEvent o) {
        stdout.append(new String(o.data()));
      }
    }

    @Override
    public void end() {
      ended = true;
    }
  }

  @Test
  void replaysStoredEventsThenDeliversLiveOnesWithoutGapsOrRepeats() {
    Job running = queued.dispatchedTo("w1").running(clock.instant());
    events.state(queued);
    events.state(running);
    events.output("j1", StdStream.STDOUT, "ab".getBytes(), 0);
    Recorder late = new Recorder();
    events.watch("j1", 0, late);
    events.output("j1", StdStream.STDOUT, "cd".getBytes(), 2);
    events.state(running.finished(JobStatus.SUCCEEDED, JobOutcome.NONE, clock.instant()));
    assertThat(late.sequences).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(late.stdout).hasToString("abcd");
    assertThat(late.ended).isTrue();
  }

  @Test
  void resumesAfterTheLastSequenceSeen() {
    events.state(queued);
    events.output("j1", StdStream.STDOUT, "ab".getBytes(), 0);
    events.output("j1", StdStream.STDOUT, "cd".getBytes(), 2);
    Recorder resumed = new Recorder();
    events.watch("j1", 2, resumed);
    assertThat(resumed.sequences).containsExactly(3L);
    assertThat(resumed.stdout).hasToString("cd");
  }

  @Test
  void storesOutputUpToTheCapButStreamsAllOfItLive() {
    Recorder live = new Recorder();
    events.watch("j1", 0, live);
    events.output("j1", StdStream.STDOUT, "0123456789".getBytes(), 0);
    events.output("j1", StdStream.STDOUT, "overflow".getBytes(), 10);
    assertThat(live.stdout).hasToString("0123456789overflow");
    JobEvents.Output stored = events.output("j1").orElseThrow();
    assertThat(new String(stored.stdout())).isEqualTo("0123456789");
    assertThat(stored.stdoutBytes()).isEqualTo(18);
    assertThat(stored.truncated()).isTrue();
    Recorder later = new Recorder();
    events.watch("j1", 0, later);
    assertThat(later.sequences).containsExactly(1L); // 2 was not stored: the gap shows it
  }

  @Test
  void endsWatchersOfAFinishedJobAtOnce() {
    events.state(
        queued
            .dispatchedTo("w1")
            .finished(JobStatus.LOST, JobOutcome.error("gone"), clock.instant()));
    Recorder watcher = new Recorder();
    events.watch("j1", 0, watcher);
    assertThat(watcher.ended).isTrue();
    assertThat(watcher.sequences).containsExactly(1L);
  }

  /** After a master restart the log is rebuilt from the store: history, then the stored output. */
  @Test
  void rebuildsTheLogOfAJobFromBeforeARestartFromTheStore() {
    InMemoryJobStore store = new InMemoryJobStore(clock);
    store.insert(queued);
    store.update("j1", j -> j.dispatchedTo("w1"));
    store.update(
        "j1",
        j ->
            j.finished(
                JobStatus.SUCCEEDED, JobOutcome.of(0, "done\n".getBytes(), ""), clock.instant()));
    JobEvents restarted = new JobEvents(10, clock, store);

    Recorder watcher = new Recorder();
    restarted.watch("j1", 0, watcher);
    assertThat(watcher.sequences).containsExactly(1L, 2L, 3L, 4L);
    assertThat(watcher.stdout).hasToString("done\n");
    assertThat(watcher.ended).isTrue();
  }

  /**
   * With a store, nothing is kept for a job nobody watches; a watcher gets the stored past, then
   * live changes once.
   */
  @Test
  void withAStoreKeepsNoLogUntilSomeoneWatchesAndThenMissesNothing() {
    InMemoryJobStore store = new InMemoryJobStore(clock);
    JobEvents withStore = new JobEvents(10, clock, store);
    PublishingJobStore publishing = new PublishingJobStore(store, withStore);
    publishing.insert(queued);
    publishing.update("j1", j -> j.dispatchedTo("w1"));

    Recorder watcher = new Recorder();
    withStore.watch("j1", 0, watcher);
    assertThat(watcher.sequences).containsExactly(1L, 2L); // QUEUED, DISPATCHED from the store
    publishing.update("j1", j -> j.running(clock.instant()));
    withStore.output("j1", StdStream.STDOUT, "hi".getBytes(), 0);
    publishing.update(
        "j1",
        j ->
            j.finished(
                JobStatus.SUCCEEDED, JobOutcome.of(0, "hi".getBytes(), ""), clock.instant()));
    assertThat(watcher.sequences).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(watcher.stdout).hasToString("hi");
    assertThat(watcher.ended).isTrue();
  }

  /** A batch's new jobs are published each, as single submits are; a repeat's jobs are not. */
  @Test
  void aStoredBatchIsPublishedJobByJobAndARepeatIsNot() throws Exception {
    InMemoryJobStore store = new InMemoryJobStore(clock);
    JobEvents withStore = new JobEvents(10, clock, store);
    List<String> published = new ArrayList<>();
    withStore.tapStates(job -> published.add(job.id()));
    PublishingJobStore publishing = new PublishingJobStore(store, withStore);
    Job second = Job.queued("j2", JobSpec.command("echo"), clock.instant());
    IdempotencyKey key = new IdempotencyKey("k/0", "fp");
    publishing.insertAll(
        List.of(new JobStore.NewJob(queued, key), new JobStore.NewJob(second, null)));
    assertThat(published).containsExactly("j1", "j2");
    Job repeat = Job.queued("j3", JobSpec.command("echo"), clock.instant());
    assertThat(publishing.insertAll(List.of(new JobStore.NewJob(repeat, key))))
        .extracting(Job::id)
        .containsExactly("j1");
    assertThat(published).containsExactly("j1", "j2");
  }

  @Test
  void refusesMoreWatchersOfOneJobThanItTakesAndCountsThoseThatLeave() {
    JobEvents events = new JobEvents(1024, new MutableClock());
    Job job = Job.queued("j", JobSpec.command("true"), Instant.EPOCH);
    events.state(job);
    List<Runnable> unsubscribe = new java.util.ArrayList<>();
    for (int i = 0; i < JobEvents.MAX_WATCHERS_PER_JOB; i++) {
      unsubscribe.add(events.watch("j", 0, new Collecting()));
    }
    assertThatThrownBy(() -> events.watch("j", 0, new Collecting()))
        .isInstanceOf(JobEvents.TooManyWatchersException.class)
        .hasMessage("job j has 32 watchers already; try again later");
    unsubscribe.get(0).run();
    assertThat(events.watch("j", 0, new Collecting())).isNotNull();
  }

  /** A watcher that only counts. */
  private static final class Collecting implements JobEvents.Watcher {
    int events;

    @Override
    public void event(JobEvents.Event event) {
      events++;
    }

    @Override
    public void end() {}
  }
}
