package io.distexec.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Executor} must do. A plugin's test extends this class and says how to build the
 * executor and a task that succeeds, one that fails, and one that runs until stopped.
 */
public abstract class ExecutorContractTest {

  protected abstract Executor executor();

  /** A task this executor accepts and that succeeds quickly. */
  protected abstract Task succeedingTask(String id);

  /** A task this executor accepts and that fails. */
  protected abstract Task failingTask(String id);

  /** A task that runs for minutes unless stopped. */
  protected abstract Task longTask(String id);

  /** A task that {@link Executor#validate} rejects. */
  protected abstract Task invalidTask(String id);

  protected static String newId() {
    return UUID.randomUUID().toString();
  }

  @Test
  void hasAName() {
    assertThat(executor().name()).isNotBlank();
  }

  @Test
  void runsASucceedingTask() throws Exception {
    Task task = succeedingTask(newId());
    executor().validate(task);
    Result result = executor().execute(task, new Cancellation());
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.error()).isEmpty();
    assertThat(result.finishedAt()).isAfterOrEqualTo(result.startedAt());
  }

  @Test
  void reportsAFailingTaskAsAResultWithAReason() throws Exception {
    Result result = executor().execute(failingTask(newId()), new Cancellation());
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.error()).isNotBlank();
  }

  @Test
  void rejectsAnInvalidTaskNamingTheField() {
    assertThatThrownBy(() -> executor().validate(invalidTask(newId())))
        .isInstanceOfSatisfying(
            InvalidTaskException.class,
            e ->
                assertThat(e.violations())
                    .isNotEmpty()
                    .allSatisfy(v -> assertThat(v.field()).isNotBlank()));
  }

  @Test
  void stopsWhenItsTimeoutPasses() throws Exception {
    Task task = longTask(newId()).withTimeout(Duration.ofMillis(500));
    Instant before = Instant.now();
    Result result = executor().execute(task, new Cancellation());
    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void stopsWhenCancelled() throws Exception {
    Cancellation cancellation = new Cancellation();
    // Cancel while the task runs (an earlier cancel is doesNotStartACancelledTask's case).
    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)
        .execute(() -> cancellation.cancel("test"));
    Result result = executor().execute(longTask(newId()), cancellation);
    assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(result.error()).contains("test");
  }

  @Test
  void doesNotStartACancelledTask() throws Exception {
    Cancellation cancellation = new Cancellation();
    cancellation.cancel("early");
    assertThat(executor().execute(longTask(newId()), cancellation).outcome())
        .isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void isHealthy() {
    assertThat(executor().healthCheck().healthy()).isTrue();
  }
}
