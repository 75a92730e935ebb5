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
import io.distexec.executor.StdStream;
import io.distexec.executor.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes. */
class CommandExecutorTest extends ExecutorContractTest {

  private static final ExecutorService IO =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "test-io");
            t.setDaemon(true);
            return t;
          });

  private final CommandExecutor executor =
      new CommandExecutor(
          new CommandExecutor.Settings(
              1024 * 1024, Duration.ofSeconds(2), Map.of("PATH", "/usr/bin:/bin")),
          IO);

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
    assertThat(new String(result.stdout().bytes(), UTF_8)).isEqualTo("hello world\n");
  }

  @Test
  void passesArgumentsWithoutAShell() throws Exception {
    Result result = run(Task.command(newId(), "echo", "$HOME;", "`id`", "*", "a b"));
    assertThat(new String(result.stdout().bytes(), UTF_8)).isEqualTo("$HOME; `id` * a b\n");
  }

  @Test
  void keepsStdoutAndStderrApartAndReportsTheExitCode() throws Exception {
    Result result = run(Task.command(newId(), "sh", "-c", "echo out; echo err >&2; exit 3"));
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.exitCode()).hasValue(3);
    assertThat(result.error()).isEqualTo("exited with code 3");
    assertThat(new String(result.stdout().bytes(), UTF_8)).isEqualTo("out\n");
    assertThat(new String(result.stderr().bytes(), UTF_8)).isEqualTo("err\n");
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
    Task task =
        Task.command(newId(), "sh", "-c", "echo \"$GREETING $PATH\"; pwd")
            .withEnv(Map.of("GREETING", "hi"))
            .withWorkdir(dir.toString());
    Result result = run(task);
    assertThat(new String(result.stdout().bytes(), UTF_8))
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
    assertThat(result.stdout().bytes()).isEqualTo(input);
  }

  @Test
  void keepsHeadAndTailOfOutputLongerThanTheCap() throws Exception {
    CommandExecutor small =
        new CommandExecutor(
            new CommandExecutor.Settings(
                64, Duration.ofSeconds(2), Map.of("PATH", "/usr/bin:/bin")),
            IO);
    Result result = small.execute(Task.command(newId(), "seq", "1", "100000"), new Cancellation());
    String out = new String(result.stdout().bytes(), UTF_8);
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.truncated()).isTrue();
    assertThat(out).startsWith("1\n2\n3\n").endsWith("99999\n100000\n").contains("bytes omitted]");
    assertThat(result.stdout().totalBytes()).isEqualTo(588895); // bytes in `seq 1 100000`
    assertThat(result.stdout().bytes().length).isLessThan(64 + 64);
  }

  @Test
  void killsTheWholeProcessTreeOnTimeout() throws Exception {
    String marker = "301." + System.nanoTime() % 100000;
    Task task =
        Task.command(newId(), "sh", "-c", "sleep " + marker + " & sleep " + marker)
            .withTimeout(Duration.ofSeconds(1));
    Result result = run(task);
    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.error()).contains("timed out after 1 s");
    assertThat(result.usage().processesKilled()).isEqualTo(3); // sh and both sleeps
    await().atMost(Duration.ofSeconds(5)).until(() -> processesWith(marker).isEmpty());
  }

  @Test
  void endsBackgroundChildrenWhenTheCommandExits() throws Exception {
    String marker = "302." + System.nanoTime() % 100000;
    Result result = run(Task.command(newId(), "sh", "-c", "sleep " + marker + " & echo started"));
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(new String(result.stdout().bytes(), UTF_8)).isEqualTo("started\n");
    assertThat(result.usage().processesKilled()).isEqualTo(1); // the sleep
    await().atMost(Duration.ofSeconds(5)).until(() -> processesWith(marker).isEmpty());
  }

  @Test
  void rejectsBadEnvironmentNamesAndNegativeTimeouts() {
    Task task =
        Task.command(newId(), "true")
            .withEnv(Map.of("1BAD", "x"))
            .withTimeout(Duration.ofSeconds(-1));
    assertThatThrownBy(() -> executor.validate(task))
        .isInstanceOfSatisfying(
            InvalidTaskException.class,
            e ->
                assertThat(e.violations())
                    .extracting(InvalidTaskException.Violation::field)
                    .containsExactlyInAnyOrder("env.1BAD", "timeoutSeconds"));
  }

  @Test
  void runsAShellOnlyWhenAskedAndPassesArgsAsPositionalParameters() throws Exception {
    Task plain = Task.command(newId(), "echo $1 | tr a-z A-Z", "hello");
    assertThat(run(plain).error()).isEqualTo("command not found: echo $1 | tr a-z A-Z");

    Result shell = run(plain.withShell(true));
    assertThat(shell.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(new String(shell.stdout().bytes(), UTF_8)).isEqualTo("HELLO\n");
  }

  @Test
  void startsFromTheConfiguredBaseEnvironmentOnly() throws Exception {
    Map<String, String> base =
        CommandExecutor.Settings.passThrough(
            Map.of("PATH", "/usr/bin:/bin", "DATABASE_PASSWORD", "s3cret"),
            CommandExecutor.DEFAULT_PASSTHROUGH);
    CommandExecutor executor =
        new CommandExecutor(new CommandExecutor.Settings(1024, Duration.ofSeconds(1), base), IO);
    Result result =
        executor.execute(
            Task.command(newId(), "env").withEnv(Map.of("MINE", "1")), new Cancellation());
    assertThat(new String(result.stdout().bytes(), UTF_8).lines().sorted().toList())
        .containsExactly("MINE=1", "PATH=/usr/bin:/bin");
  }

  @Test
  void keepsUnicodeAndBinaryOutputByteForByte() throws Exception {
    Result unicode = run(Task.command(newId(), "printf", "%s\\n", "héllo ✓ 😀"));
    assertThat(new String(unicode.stdout().bytes(), UTF_8)).isEqualTo("héllo ✓ 😀\n");

    Result binary = run(Task.command(newId(), "head", "-c", "4096", "/dev/urandom"));
    assertThat(binary.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(binary.stdout().bytes()).hasSize(4096);
    assertThat(binary.stdout().totalBytes()).isEqualTo(4096);

    Result invalidUtf8 = run(Task.command(newId(), "printf", "\\377\\376ok"));
    assertThat(invalidUtf8.stdout().bytes()).containsExactly(0xff, 0xfe, 'o', 'k');
  }

  @Test
  void streamsOutputInOrderWhileTheCommandRuns() throws Exception {
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    List<Long> firstChunkAt = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    Cancellation context =
        new Cancellation(
            (stream, data, offset, length) -> {
              firstChunkAt.add(System.nanoTime() - start);
              synchronized (out) {
                (stream == StdStream.STDOUT ? out : err)
                    .append(new String(data, offset, length, UTF_8));
              }
            });
    Result result =
        executor.execute(
            Task.command(newId(), "sh", "-c", "echo first; echo oops >&2; sleep 1; seq 2 5000"),
            context);
    assertThat(out.toString())
        .isEqualTo(new String(result.stdout().bytes(), UTF_8))
        .startsWith("first\n2\n3\n")
        .endsWith("\n5000\n");
    assertThat(err.toString()).isEqualTo("oops\n");
    // The first line arrived before the command's one-second pause ended.
    assertThat(firstChunkAt.get(0)).isLessThan(Duration.ofMillis(900).toNanos());
  }

  @Test
  void measuresCpuTimeAndPeakMemory() throws Exception {
    Result result =
        run(Task.command(newId(), "sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"));
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.usage().cpuTime()).hasValueSatisfying(cpu -> assertThat(cpu).isPositive());
    assertThat(result.usage().peakRssBytes().orElse(0)).isGreaterThan(100_000);
  }

  @Test
  void refusesProgramsOutsideTheAllowListWithoutBypass(@TempDir Path dir) throws Exception {
    CommandPolicy policy = CommandPolicy.parse("echo, /usr/bin/seq*", "/usr/bin:/bin");
    CommandExecutor strict =
        new CommandExecutor(
            new CommandExecutor.Settings(
                1024, Duration.ofSeconds(1), Map.of("PATH", "/usr/bin:/bin"), policy),
            IO);
    assertThat(strict.execute(Task.command(newId(), "echo", "ok"), new Cancellation()).outcome())
        .isEqualTo(Outcome.SUCCEEDED);
    assertThat(strict.execute(Task.command(newId(), "seq", "2"), new Cancellation()).outcome())
        .isEqualTo(Outcome.SUCCEEDED);

    Result refused = strict.execute(Task.command(newId(), "id"), new Cancellation());
    assertThat(refused.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(refused.error())
        .startsWith("refused: /usr/bin/id is not allowed by this worker's COMMAND_ALLOWLIST");

    // Shell mode runs /bin/sh, which is not allowed, whatever the script says.
    Result shell =
        strict.execute(Task.command(newId(), "echo hi").withShell(true), new Cancellation());
    assertThat(shell.error()).contains("is not allowed").contains("shell mode runs /bin/sh");

    // A PATH of the task's own finds another "echo", which is not the allowed one.
    Path fake = dir.resolve("echo");
    Files.writeString(fake, "#!/bin/sh\nid\n");
    fake.toFile().setExecutable(true);
    Result hijack =
        strict.execute(
            Task.command(newId(), "echo").withEnv(Map.of("PATH", dir.toString())),
            new Cancellation());
    assertThat(hijack.error()).contains(fake.toString() + " is not allowed");
  }

  private static List<ProcessHandle> processesWith(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .toList();
  }
}
