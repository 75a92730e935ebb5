package io.distexec.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.executor.StdStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueuedWatcherTest {

  /** Sends on the caller's thread; the client is ready only when the test says so. */
  private static final class Recorder extends QueuedWatcher {
    final List<Long> sent = new ArrayList<>();
    boolean ready = true;
    String finished;

    Recorder() {
      super(Runnable::run);
    }

    @Override
    protected boolean ready() {
      return ready;
    }

    @Override
    protected void send(JobEvents.Event event) {
      sent.add(event.sequence());
    }

    @Override
    protected void finish(boolean overflowed, long lastSent) {
      finished = (overflowed ? "overflowed after " : "ended after ") + lastSent;
    }

    @Override
    protected void gone(RuntimeException cause) {
      finished = "gone";
    }

    void resume() {
      ready = true;
      schedule();
    }
  }

  private static JobEvents.Event event(long sequence) {
    return new JobEvents.OutputEvent(
        sequence, Instant.EPOCH, StdStream.STDOUT, new byte[] {'x'}, sequence);
  }

  @Test
  void sendsInOrderAndWaitsWhileTheClientIsNotReady() {
    Recorder watcher = new Recorder();
    watcher.event(event(1));
    watcher.ready = false;
    watcher.event(event(2));
    watcher.end();
    assertThat(watcher.sent).containsExactly(1L);
    assertThat(watcher.finished).isNull();
    watcher.resume();
    assertThat(watcher.sent).containsExactly(1L, 2L);
    assertThat(watcher.finished).isEqualTo("ended after 2");
  }

  @Test
  void dropsAClientThatFallsTooFarBehindAndSaysWhereToResume() {
    Recorder watcher = new Recorder();
    watcher.event(event(1));
    watcher.ready = false;
    for (int i = 2; i <= QueuedWatcher.MAX_QUEUED + 2; i++) {
      watcher.event(event(i));
    }
    watcher.resume();
    assertThat(watcher.sent).containsExactly(1L);
    assertThat(watcher.finished).isEqualTo("overflowed after 1");
  }

  @Test
  void endsEvenWhenTheQueueIsFull() {
    Recorder watcher = new Recorder();
    watcher.ready = false;
    for (int i = 1; i <= QueuedWatcher.MAX_QUEUED; i++) {
      watcher.event(event(i));
    }
    watcher.end();
    watcher.resume();
    assertThat(watcher.sent).hasSize(QueuedWatcher.MAX_QUEUED);
    assertThat(watcher.finished).isEqualTo("ended after " + QueuedWatcher.MAX_QUEUED);
  }

  @Test
  void dropsAClientThatFallsTooManyBytesBehindAndGivesTheBytesBack() {
    Recorder watcher = new Recorder();
    watcher.ready = false;
    long before = QueuedWatcher.totalQueuedBytes();
    byte[] chunk = new byte[1024 * 1024];
    for (int i = 1; i <= 8; i++) {
      watcher.event(new JobEvents.OutputEvent(i, Instant.EPOCH, StdStream.STDOUT, chunk, 0));
    }
    assertThat(QueuedWatcher.totalQueuedBytes() - before).isGreaterThan(8L * 1024 * 1024);
    watcher.event(new JobEvents.OutputEvent(9, Instant.EPOCH, StdStream.STDOUT, chunk, 0));
    watcher.event(new JobEvents.OutputEvent(10, Instant.EPOCH, StdStream.STDOUT, chunk, 0));
    assertThat(QueuedWatcher.totalQueuedBytes()).isEqualTo(before); // 10 MiB > 9 MiB: dropped
    watcher.resume();
    assertThat(watcher.sent).isEmpty();
    assertThat(watcher.finished).isEqualTo("overflowed after 0");
  }
}
