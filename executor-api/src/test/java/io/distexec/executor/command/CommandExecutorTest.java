package io.distexec.executor.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.distexec.executor.Cancellation;
import io.distexec.executor.Executor;
import io.distexec.executor.ExecutorContractTest;
import io.distexec.executor.InvalidTaskException;
import io.distexec.executor.Outcome;
import io.distexec.executor.Result;
import io.distexec.executor.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes. */
class CommandExecutorTest extends ExecutorContractTest {

  private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-io");
    t.setDaemon(true);
    return t;
  });

  private final CommandExecutor executor = new CommandExecutor(
      new CommandExecutor.Settings(1024 * 1024, Duration.ofSeconds(2), Map.of("PATH", "/usr/bin:/bin")), IO);

  @AfterAll
  static void stopIo() {
    IO.shutdownNow();
  }

  @Override
  protected Executor executor() {
    return executor;
  }

  @Override
  protected Task succeedingTask(String id) {
    return Task.command(id, "true");
  }

  @Override
  protected Task failingTask(String id) {
    return Task.command(id, "false");
  }

  @Override
  protected Task longTask(String id) {
    return Task.command(id, "sleep", "300");
  }

  @Override
  protected Task invalidTask(String id) {
    return Task.command(id, "");
  }

  private Result run(Task task) throws InterruptedException {
    return executor.execute(task, new Cancellation());
  }

  @Test
  void runsArgvAndCapturesStdout() throws Exception {
    Result result = run(Task.command(newId(), "echo", "hello", "world"));
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.exitCode()).hasValue(0);
    assertThat(new String(result.stdout(), UTF_8)).isEqualTo("hello world\n");
  }

  @Test
  void passesArgumentsWithoutAShell() throws Exception {
    Result result = run(Task.command(newId(), "echo", "$HOME;", "`id`", "*", "a b"));
    assertThat(new String(result.stdout(), UTF_8)).isEqualTo("$HOME; `id` * a b\n");
  }

  @Test
  void keepsStdoutAndStderrApartAndReportsTheExitCode() throws Exception {
    Result result = run(Task.command(newId(), "sh", "-c", "echo out; echo err >&2; exit 3"));
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.exitCode()).hasValue(3);
    assertThat(result.error()).isEqualTo("exited with code 3");
    assertThat(new String(result.stdout(), UTF_8)).isEqualTo("out\n");
    assertThat(new String(result.stderr(), UTF_8)).isEqualTo("err\n");
  }

  @Test
  void reportsAMissingCommandAs127() throws Exception {
    Result result = run(Task.command(newId(), "no-such-command-xyz"));
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.exitCode()).hasValue(127);
    assertThat(result.error()).isEqualTo("command not found: no-such-command-xyz");
  }

  @Test
  void reportsANonExecutableFileAs126(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("not-executable"), "echo hi");
    Result result = run(Task.command(newId(), file.toString()));
    assertThat(result.exitCode()).hasValue(126);
    assertThat(result.error()).startsWith("permission denied: ");
  }

  @Test
  void mergesTaskEnvironmentOverTheBaseAndUsesTheWorkdir(@TempDir Path dir) throws Exception {
    Task task = Task.command(newId(), "sh", "-c", "echo \"$GREETING $PATH\"; pwd")
        .withEnv(Map.of("GREETING", "hi"))
        .withWorkdir(dir.toString());
    Result result = run(task);
    assertThat(new String(result.stdout(), UTF_8))
        .isEqualTo("hi /usr/bin:/bin\n" + dir.toRealPath() + "\n");
  }

  @Test
  void failsClearlyWhenTheWorkdirIsMissing() throws Exception {
    Result result = run(Task.command(newId(), "pwd").withWorkdir("/no/such/dir"));
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.error()).contains("workdir does not exist").contains("/no/such/dir");
  }

  @Test
  void writesStdinToTheProcess() throws Exception {
    byte[] input = "line one\nline two ✓\n".getBytes(UTF_8);
    Result result = run(Task.command(newId(), "cat").withStdin(input));
    assertThat(result.stdout()).isEqualTo(input);
  }

  @Test
  void keepsHeadAndTailOfOutputLongerThanTheCap() throws Exception {
    CommandExecutor small = new CommandExecutor(
        new CommandExecutor.Settings(64, Duration.ofSeconds(2), Map.of("PATH", "/usr/bin:/bin")), IO);
    Result result = small.execute(Task.command(newId(), "seq", "1", "100000"), new Cancellation());
    String out = new String(result.stdout(), UTF_8);
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.truncated()).isTrue();
    assertThat(out).startsWith("1\n2\n3\n").endsWith("99999\n100000\n").contains("bytes omitted]");
  }

  @Test
  void killsTheWholeProcessTreeOnTimeout() throws Exception {
    String marker = "301." + System.nanoTime() % 100000;
    Task task = Task.command(newId(), "sh", "-c", "sleep " + marker + " & sleep " + marker)
        .withTimeout(Duration.ofSeconds(1));
    Result result = run(task);
    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.error()).contains("timed out after 1 s");
    await().atMost(Duration.ofSeconds(5)).until(() -> processesWith(marker).isEmpty());
  }

  @Test
  void endsBackgroundChildrenWhenTheCommandExits() throws Exception {
    String marker = "302." + System.nanoTime() % 100000;
    Result result = run(Task.command(newId(), "sh", "-c", "sleep " + marker + " & echo started"));
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(new String(result.stdout(), UTF_8)).isEqualTo("started\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> processesWith(marker).isEmpty());
  }

  @Test
  void rejectsBadEnvironmentNamesAndNegativeTimeouts() {
    Task task = Task.command(newId(), "true").withEnv(Map.of("1BAD", "x")).withTimeout(Duration.ofSeconds(-1));
    assertThatThrownBy(() -> executor.validate(task))
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.violations())
            .extracting(InvalidTaskException.Violation::field)
            .containsExactlyInAnyOrder("env.1BAD", "timeoutSeconds"));
  }

  private static List<ProcessHandle> processesWith(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .toList();
  }
}
