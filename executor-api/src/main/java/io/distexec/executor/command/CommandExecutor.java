package io.distexec.executor.command;

import io.distexec.executor.ExecutionContext;
import io.distexec.executor.Executor;
import io.distexec.executor.InvalidTaskException;
import io.distexec.executor.InvalidTaskException.Violation;
import io.distexec.executor.Outcome;
import io.distexec.executor.Result;
import io.distexec.executor.Task;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Runs a program as an argv array: {@code command} then {@code args}, with no shell in between, so
 * nothing in the arguments is ever interpreted. Standard output and error are kept separately, each
 * up to a cap (head and tail, see {@link CappedOutput}). A timeout or a cancel ends the whole
 * process tree: SIGTERM, a grace period, then SIGKILL.
 */
public final class CommandExecutor implements Executor {

  /** The type name tasks use to choose this executor. */
  public static final String NAME = "command";
  /** Exit code reported when the program does not exist, as shells do. */
  public static final int EXIT_COMMAND_NOT_FOUND = 127;
  /** Exit code reported when the program exists but may not be executed, as shells do. */
  public static final int EXIT_NOT_EXECUTABLE = 126;

  private static final Logger LOG = Logger.getLogger(CommandExecutor.class.getName());
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** How long to wait for output pipes once the task's processes are gone. */
  private static final Duration PIPE_DRAIN = Duration.ofSeconds(2);

  /**
   * How the executor behaves.
   *
   * @param outputCapBytes bytes kept per stream (head and tail halves)
   * @param killGrace time between SIGTERM and SIGKILL
   * @param baseEnvironment environment every task starts from; task variables override it
   */
  public record Settings(int outputCapBytes, Duration killGrace, Map<String, String> baseEnvironment) {
    public static final int DEFAULT_OUTPUT_CAP_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);

    public Settings {
      if (outputCapBytes < 2) {
        throw new IllegalArgumentException("output cap must be at least 2 bytes, got " + outputCapBytes);
      }
      if (killGrace.isNegative()) {
        throw new IllegalArgumentException("kill grace must not be negative, got " + killGrace);
      }
      baseEnvironment = Map.copyOf(baseEnvironment);
    }

    /** 1 MiB per stream, 5 s grace, the worker's own environment as the base. */
    public static Settings defaults() {
      return new Settings(DEFAULT_OUTPUT_CAP_BYTES, DEFAULT_KILL_GRACE, System.getenv());
    }
  }

  private final Settings settings;
  private final java.util.concurrent.Executor ioThreads;

  /**
   * @param settings caps and timings
   * @param ioThreads runs the threads that copy a process's stdin, stdout and stderr (three per
   *     task at most); on a worker, its managed executor
   */
  public CommandExecutor(Settings settings, java.util.concurrent.Executor ioThreads) {
    this.settings = settings;
    this.ioThreads = ioThreads;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(Task task) throws InvalidTaskException {
    List<Violation> violations = new ArrayList<>();
    if (task.command().isBlank()) {
      violations.add(new Violation("command", "must not be empty; give the program to run, e.g. \"echo\""));
    } else if (task.command().indexOf('\0') >= 0) {
      violations.add(new Violation("command", "must not contain a NUL character"));
    }
    for (int i = 0; i < task.args().size(); i++) {
      String arg = task.args().get(i);
      if (arg == null || arg.indexOf('\0') >= 0) {
        violations.add(new Violation("args[" + i + "]", "must be a string without NUL characters"));
      }
    }
    for (Map.Entry<String, String> e : task.env().entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        violations.add(new Violation("env." + e.getKey(),
            "is not a valid variable name: use letters, digits and '_', not starting with a digit"));
      } else if (e.getValue().indexOf('\0') >= 0) {
        violations.add(new Violation("env." + e.getKey(), "value must not contain a NUL character"));
      }
    }
    if (task.timeout().isNegative()) {
      violations.add(new Violation("timeoutSeconds", "must not be negative"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidTaskException(violations);
    }
  }

  @Override
  public Result execute(Task task, ExecutionContext context) throws InterruptedException {
    Instant startedAt = Instant.now();
    if (context.isCancelled()) {
      return new Result(Outcome.CANCELLED, OptionalInt.empty(), null, null, false,
          "cancelled before start: " + context.cancelReason(), startedAt, Instant.now());
    }
    if (task.workdir() != null && !task.workdir().isBlank() && !new File(task.workdir()).isDirectory()) {
      return Result.failedToStart("workdir does not exist or is not a directory: " + task.workdir(),
          OptionalInt.empty());
    }
    Map<String, String> env = new HashMap<>(settings.baseEnvironment());
    env.putAll(task.env());
    File workdir = task.workdir() == null || task.workdir().isBlank() ? null : new File(task.workdir());
    // Resolve the program ourselves: the error then names it, and the session wrapper gets a path.
    Optional<Path> program = CommandPath.resolve(task.command(), env.get("PATH"), workdir);
    if (program.isEmpty()) {
      return Result.failedToStart("command not found: " + task.command(), OptionalInt.of(EXIT_COMMAND_NOT_FOUND));
    }
    if (!Files.isExecutable(program.get()) || Files.isDirectory(program.get())) {
      return Result.failedToStart("permission denied: " + task.command(), OptionalInt.of(EXIT_NOT_EXECUTABLE));
    }
    List<String> argv = new ArrayList<>(1 + task.args().size());
    argv.add(program.get().toString());
    argv.addAll(task.args());
    ProcessBuilder builder = new ProcessBuilder(ProcessTree.inOwnSession(argv)).directory(workdir);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return Result.failedToStart("could not start " + task.command() + ": " + e.getMessage(), OptionalInt.empty());
    }
    return awaitProcess(task, context, process, startedAt);
  }

  private Result awaitProcess(Task task, ExecutionContext context, Process process, Instant startedAt)
      throws InterruptedException {
    CappedOutput stdout = new CappedOutput(settings.outputCapBytes());
    CappedOutput stderr = new CappedOutput(settings.outputCapBytes());
    CompletableFuture<Void> outPump = pump(process.getInputStream(), stdout);
    CompletableFuture<Void> errPump = pump(process.getErrorStream(), stderr);
    feedStdin(task, process);

    AtomicBoolean cancelled = new AtomicBoolean();
    context.onCancel(() -> {
      if (process.isAlive() && cancelled.compareAndSet(false, true)) {
        Runnable kill = () -> ProcessTree.kill(process.toHandle(), settings.killGrace());
        try {
          ioThreads.execute(kill);
        } catch (RejectedExecutionException e) {
          kill.run(); // the pool is shutting down: kill on the cancelling thread
        }
      }
    });
    boolean timedOut = false;
    try {
      if (task.hasTimeout()) {
        if (!process.waitFor(task.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
          timedOut = !cancelled.get();
          ProcessTree.kill(process.toHandle(), settings.killGrace());
        }
      }
      int exit = process.waitFor();
      // The task ends with its leader: whatever it left running in its group goes too (and so
      // releases the output pipes).
      ProcessTree.kill(process.toHandle(), settings.killGrace());
      drain(outPump);
      drain(errPump);
      Instant finishedAt = Instant.now();
      boolean truncated = stdout.truncated() || stderr.truncated();
      if (timedOut) {
        return new Result(Outcome.TIMED_OUT, OptionalInt.empty(), stdout.bytes(), stderr.bytes(), truncated,
            "timed out after " + task.timeout().toSeconds() + " s; process tree killed", startedAt, finishedAt);
      }
      if (cancelled.get()) {
        return new Result(Outcome.CANCELLED, OptionalInt.empty(), stdout.bytes(), stderr.bytes(), truncated,
            "cancelled: " + context.cancelReason(), startedAt, finishedAt);
      }
      Outcome outcome = exit == 0 ? Outcome.SUCCEEDED : Outcome.FAILED;
      String error = exit == 0 ? "" : "exited with code " + exit;
      return new Result(outcome, OptionalInt.of(exit), stdout.bytes(), stderr.bytes(), truncated, error,
          startedAt, finishedAt);
    } catch (InterruptedException e) {
      // The worker is going away: leave nothing running behind.
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw e;
    }
  }

  private CompletableFuture<Void> pump(InputStream in, CappedOutput sink) {
    return CompletableFuture.runAsync(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          sink.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // The pipe was closed under us (see drain): the output so far is kept.
        LOG.log(Level.FINE, "output pipe closed", e);
      }
    }, ioThreads);
  }

  private void feedStdin(Task task, Process process) {
    byte[] input = task.stdin();
    OutputStream stdin = process.getOutputStream();
    if (input.length == 0) {
      closeQuietly(stdin);
      return;
    }
    // Written on its own thread: a process may fill its stdout before it reads all its stdin.
    ioThreads.execute(() -> {
      try (stdin) {
        stdin.write(input);
      } catch (IOException e) {
        // The process exited or closed stdin before reading it all; that is its choice.
        LOG.log(Level.FINE, "stdin closed early", e);
      }
    });
  }

  /**
   * Waits for a pump to reach the end of its pipe. Only a process that left the task's session can
   * still hold the pipe open; the task does not wait for it, and the copy ends when it exits.
   */
  private static void drain(CompletableFuture<Void> pump) throws InterruptedException {
    try {
      pump.get(PIPE_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warning("a process that left the task's session still holds its output open; output after now is not kept");
    } catch (ExecutionException e) {
      throw new UncheckedIOException(new IOException("output copy failed", e.getCause()));
    }
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "close failed", e);
    }
  }
}
