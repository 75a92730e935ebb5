package io.distexec.executor.script;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.executor.Cancellation;
import io.distexec.executor.Executor;
import io.distexec.executor.ExecutorContractTest;
import io.distexec.executor.Outcome;
import io.distexec.executor.Result;
import io.distexec.executor.Task;
import io.distexec.executor.command.CommandExecutor;
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

/** The script executor runs real interpreters, and passes the contract every executor passes. */
class ScriptExecutorTest extends ExecutorContractTest {

  private static final ExecutorService IO = Executors.newCachedThreadPool();

  @TempDir static Path scratch;

  private final ScriptExecutor executor =
      new ScriptExecutor(
          new CommandExecutor(
              new CommandExecutor.Settings(
                  1 << 20, Duration.ofSeconds(1), Map.of("PATH", "/usr/bin:/bin")),
              IO),
          scratch);

  @AfterAll
  static void stopIo() {
    IO.shutdownNow();
  }

  private static Task script(String id, String interpreter, String source, String... args) {
    return new Task(
        id,
        "script",
        interpreter,
        List.of(args),
        Map.of(),
        null,
        null,
        Duration.ZERO,
        Map.of("script", source),
        false);
  }

  @Override
  protected Executor executor() {
    return executor;
  }

  @Override
  protected Task succeedingTask(String id) {
    return script(id, "sh", "exit 0");
  }

  @Override
  protected Task failingTask(String id) {
    return script(id, "sh", "exit 3");
  }

  @Override
  protected Task longTask(String id) {
    return script(id, "sh", "sleep 300");
  }

  @Override
  protected Task invalidTask(String id) {
    return script(id, "sh", " ");
  }

  @Test
  void runsAMultiLineScriptWithItsArguments() throws Exception {
    Result result =
        executor.execute(
            script(
                newId(),
                "sh",
                "for a in \"$@\"; do\n  echo \"arg: $a\"\ndone\n",
                "one",
                "two words"),
            new Cancellation());
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(new String(result.stdout().bytes(), UTF_8)).isEqualTo("arg: one\narg: two words\n");
  }

  @Test
  void leavesNoScriptFileBehind() throws Exception {
    executor.execute(script(newId(), "sh", "echo hi"), new Cancellation());
    try (var files = Files.list(scratch)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("distexec-script-")))
          .isEmpty();
    }
  }

  @Test
  void reportsAMissingInterpreterLikeAMissingCommand() throws Exception {
    Result result =
        executor.execute(script(newId(), "no-such-interpreter", "x"), new Cancellation());
    assertThat(result.error()).isEqualTo("command not found: no-such-interpreter");
    assertThat(result.exitCode()).hasValue(127);
  }
}
