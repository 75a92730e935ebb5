package io.distexec.executor.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distexec.executor.Cancellation;
import io.distexec.executor.InvalidTaskException;
import io.distexec.executor.Outcome;
import io.distexec.executor.Result;
import io.distexec.executor.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ways around COMMAND_ALLOWLIST and the worker's own secrets that the issue listed, each run
 * against real processes: every one is refused now.
 */
class CommandPolicyBypassTest {

  private static final ExecutorService IO = Executors.newCachedThreadPool();
  private static final Map<String, String> BASE = Map.of("PATH", "/usr/bin:/bin");

  @AfterAll
  static void stopIo() {
    IO.shutdownNow();
  }

  private static CommandExecutor executor(
      String allowList, Set<String> envAllow, TaskUser user, Path root) {
    return new CommandExecutor(
        new CommandExecutor.Settings(
            64 * 1024,
            Duration.ofSeconds(1),
            BASE,
            CommandPolicy.parse(allowList, "/usr/bin:/bin"),
            envAllow,
            user,
            root),
        IO);
  }

  private static Result run(CommandExecutor executor, Task task) throws InterruptedException {
    return executor.execute(task, new Cancellation());
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_AUDIT",
        "BASH_ENV",
        "ENV",
        "PYTHONPATH",
        "NODE_OPTIONS",
        "PERL5OPT",
        "JAVA_TOOL_OPTIONS"
      })
  void loaderAndInterpreterVariablesAreRefusedAtSubmitAndOnTheWorker(String name) throws Exception {
    CommandExecutor executor = executor("echo", Set.of(), null, null);
    Task task = Task.command(id(), "echo", "hi").withEnv(Map.of(name, "/tmp/evil"));

    assertThatThrownBy(() -> executor.validate(task))
        .isInstanceOfSatisfying(
            InvalidTaskException.class,
            e -> assertThat(e.getMessage()).contains("env." + name).contains("TASK_ENV_ALLOW"));
    Result result = run(executor, task);
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.error()).startsWith("refused: " + name);
  }

  @Test
  void aSiteMayLetANamedVariableThrough() throws Exception {
    CommandExecutor executor = executor("", Set.of("PYTHONPATH"), null, null);
    Task task =
        Task.command(id(), "sh", "-c", "echo $PYTHONPATH")
            .withEnv(Map.of("PYTHONPATH", "/opt/lib"));
    executor.validate(task);
    Result result = run(executor, task);
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(new String(result.stdout().bytes(), UTF_8)).isEqualTo("/opt/lib\n");
  }

  @Test
  void aSymlinkInsideAnAllowedFolderToAProgramOutsideItIsRefused(@TempDir Path dir)
      throws Exception {
    Path allowed = Files.createDirectories(dir.resolve("allowed"));
    Files.createSymbolicLink(allowed.resolve("innocent"), Path.of("/usr/bin/id"));
    Path own = allowed.resolve("tool");
    Files.writeString(own, "#!/bin/sh\necho tool\n");
    own.toFile().setExecutable(true);
    CommandExecutor executor = executor(allowed + "/*,sh", Set.of(), null, null);

    assertThat(run(executor, Task.command(id(), own.toString())).outcome())
        .isEqualTo(Outcome.SUCCEEDED);
    Result linked = run(executor, Task.command(id(), allowed.resolve("innocent").toString()));
    assertThat(linked.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(linked.error()).startsWith("refused: /usr/bin/id is not allowed");
    Result dotted = run(executor, Task.command(id(), allowed + "/../../../../../../../usr/bin/id"));
    assertThat(dotted.error()).startsWith("refused: /usr/bin/id is not allowed");
  }

  @Test
  void aTaskWithoutAWorkdirStartsInAFreshFolderThatIsRemovedAfter(@TempDir Path root)
      throws Exception {
    CommandExecutor executor = executor("", Set.of(), null, root);
    Result result = run(executor, Task.command(id(), "sh", "-c", "pwd; touch left-behind"));
    String pwd = new String(result.stdout().bytes(), UTF_8).strip();
    assertThat(pwd).startsWith(root.toRealPath() + "/distexec-task-");
    assertThat(Path.of(pwd)).doesNotExist();
    try (var left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aRootWorkerRunsTasksAsTheUnprivilegedTaskUser(@TempDir Path root) throws Exception {
    assumeTrue(TaskUser.runningAsRoot(), "only a root worker changes user (run as root to test)");
    CommandExecutor executor = executor("", Set.of(), TaskUser.of("nobody"), root);
    Path secret = root.resolve("worker-secret");
    Files.writeString(secret, "s3cret");
    Files.setPosixFilePermissions(
        secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    Result result =
        run(
            executor,
            Task.command(
                id(),
                "sh",
                "-c",
                "id -un; cat /proc/" + ProcessHandle.current().pid() + "/environ; cat " + secret));
    assertThat(new String(result.stdout().bytes(), UTF_8)).isEqualTo("nobody\n");
    assertThat(new String(result.stderr().bytes(), UTF_8))
        .contains("/environ: Permission denied")
        .contains("worker-secret: Permission denied");
  }
}
