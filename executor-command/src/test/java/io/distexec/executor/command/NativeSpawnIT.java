package io.distexec.executor.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distexec.executor.Cancellation;
import io.distexec.executor.Outcome;
import io.distexec.executor.Result;
import io.distexec.executor.Task;
import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The posix_spawn launcher (Java 22+, from this module's multi-release jar): run by failsafe on the
 * machine's Temurin 25 against the jar, beside the command executor's own tests run there again. On
 * an older JDK there is nothing to test.
 */
class NativeSpawnIT {

  private static final ExecutorService IO = Executors.newCachedThreadPool();
  private final CommandExecutor executor =
      new CommandExecutor(
          new CommandExecutor.Settings(
              1024 * 1024, Duration.ofSeconds(2), Map.of("PATH", "/usr/bin:/bin")),
          IO);

  @BeforeAll
  static void onJava22() {
    assumeTrue(Runtime.version().feature() >= 22, "the FFM launcher needs Java 22+");
  }

  @AfterAll
  static void stopIo() {
    IO.shutdownNow();
  }

  private String stdout(Task task) throws InterruptedException {
    Result result = executor.execute(task, new Cancellation());
    assertThat(result.outcome()).as(result.error()).isEqualTo(Outcome.SUCCEEDED);
    return new String(result.stdout().bytes(), UTF_8);
  }

  @Test
  void theWorkerOnJava22StartsTasksWithPosixSpawn() {
    // The build's failsafe run on Temurin 25 says which launcher it expects: a jar whose
    // versions/25 classes were not picked up would fall back to ProcessBuilder unnoticed.
    String expected = System.getProperty("distexec.expect.launcher", "posix_spawn");
    assertThat(executor.launcher()).startsWith(expected);
  }

  @Test
  void theTaskLeadsASessionOfItsOwn() throws Exception {
    // /proc/self/stat: pid (comm) state ppid pgrp session ...
    String stat = stdout(Task.command("s", "cat", "/proc/self/stat"));
    String pid = stat.substring(0, stat.indexOf(' '));
    String[] after = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
    assertThat(after[2]).as("process group").isEqualTo(pid);
    assertThat(after[3]).as("session").isEqualTo(pid);
  }

  @Test
  void theTaskInheritsNoDescriptorButItsThreeStreams() throws Exception {
    // ls opens the folder it lists: 3 is its own.
    String[] fds = stdout(Task.command("f", "ls", "/proc/self/fd")).trim().split("\\s+");
    assertThat(Arrays.asList(fds)).containsExactly("0", "1", "2", "3");
  }

  @Test
  void theTaskStartsWithNoSignalBlockedOrIgnored() throws Exception {
    String status = stdout(Task.command("g", "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"));
    assertThat(status).contains("SigBlk:").contains("SigIgn:");
    // Signals 1-31 (bit n-1 each); glibc keeps its own real-time signals 32 and 33 as it sees fit.
    for (String line : status.strip().split("\n")) {
      long set = Long.parseLong(line.substring(line.indexOf('\t') + 1).strip(), 16);
      assertThat(set & 0x7fffffffL).as(line).isZero();
    }
  }

  @Test
  void theKernelSaysWhenATasksGroupIsEmpty() throws Exception {
    SessionLauncher launcher = SessionLauncher.best();
    Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
    File tmp = new File(System.getProperty("java.io.tmpdir"));

    Process plain = launcher.start(List.of("/bin/true"), tmp, env);
    plain.waitFor();
    // What the check each task ends with relies on: a task that left nothing has an empty group.
    assertThat(launcher.groupEmpty(plain.pid())).isTrue();

    // The sleep's streams go elsewhere: it would hold the pipe open for 30 s.
    Process leader =
        launcher.start(List.of("/bin/sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!"), tmp, env);
    long sleeper = Long.parseLong(new String(leader.getInputStream().readAllBytes(), UTF_8).trim());
    leader.waitFor();
    assertThat(launcher.groupEmpty(leader.pid())).as("the sleep is left in the group").isFalse();
    ProcessHandle.of(sleeper).ifPresent(ProcessHandle::destroyForcibly);
    await().atMost(Duration.ofSeconds(10)).until(() -> launcher.groupEmpty(leader.pid()));

    assertThat(launcher.groupEmpty(0)).as("0 is no group, but the caller's own").isFalse();
    assertThat(launcher.groupEmpty(1)).isFalse();
  }

  @Test
  void aSignalledTaskReportsTheSignal() throws Exception {
    Result result =
        executor.execute(
            Task.command("k", "sh", "-c", "kill -TERM $$").withShell(false), new Cancellation());
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.exitCode()).hasValue(143);
    assertThat(result.error()).isEqualTo("killed by signal 15");
  }
}
