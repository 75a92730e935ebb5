package io.distexec.executor.command;

import io.distexec.executor.CappedOutput;
import io.distexec.executor.ExecutionContext;
import io.distexec.executor.Executor;
import io.distexec.executor.InvalidTaskException;
import io.distexec.executor.InvalidTaskException.Violation;
import io.distexec.executor.Outcome;
import io.distexec.executor.OutputSink;
import io.distexec.executor.ResourceUsage;
import io.distexec.executor.Result;
import io.distexec.executor.StdStream;
import io.distexec.executor.Task;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Runs a program as an argv array: {@code command} then {@code args}, with no shell in between, so
 * nothing in the arguments is ever interpreted (a shell only with {@link Task#shell()}). The
 * process leads a session of its own; when it exits, times out or is cancelled, every process left
 * in that session is ended (SIGTERM, a grace period, then SIGKILL). Standard output and error are
 * streamed to the context's sink as they come and kept separately, each up to a cap (head and
 * tail).
 */
public final class CommandExecutor implements Executor {

  /** The type name tasks use to choose this executor. */
  public static final String NAME = Task.DEFAULT_TYPE;

  /** Exit code reported when the program does not exist, as shells do. */
  public static final int EXIT_COMMAND_NOT_FOUND = 127;

  /** Exit code reported when the program exists but may not be executed, as shells do. */
  public static final int EXIT_NOT_EXECUTABLE = 126;

  /** The shell used in shell mode. */
  public static final String SHELL = "/bin/sh";

  /** Variables a task inherits from the worker by default; anything else must be set per task. */
  public static final Set<String> DEFAULT_PASSTHROUGH =
      Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "TZ", "TMPDIR");

  private static final Logger LOG = Logger.getLogger(CommandExecutor.class.getName());
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** How long to wait for output pipes once the task's processes are gone. */
  private static final Duration PIPE_DRAIN = Duration.ofSeconds(2);

  private static final int CHUNK_BYTES = 16 * 1024;

  /**
   * How the executor behaves.
   *
   * @param outputCapBytes bytes kept per stream (head and tail halves)
   * @param killGrace time between SIGTERM and SIGKILL
   * @param baseEnvironment environment every task starts from; task variables override it
   * @param policy which programs may run
   * @param envAllow variables of {@link EnvPolicy#DENIED} that tasks may set all the same
   *     (TASK_ENV_ALLOW)
   * @param taskUser the user tasks run as (a root worker's TASK_USER), or {@code null} for the
   *     worker's own
   * @param taskDirRoot where tasks without a workdir get a fresh folder of their own, or {@code
   *     null} for the JVM's temp folder
   */
  public record Settings(
      int outputCapBytes,
      Duration killGrace,
      Map<String, String> baseEnvironment,
      CommandPolicy policy,
      Set<String> envAllow,
      TaskUser taskUser,
      Path taskDirRoot) {
    public static final int DEFAULT_OUTPUT_CAP_BYTES = CappedOutput.DEFAULT_CAP_BYTES;
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);

    public Settings {
      if (outputCapBytes < 2) {
        throw new IllegalArgumentException(
            "output cap must be at least 2 bytes, got " + outputCapBytes);
      }
      if (killGrace.isNegative()) {
        throw new IllegalArgumentException("kill grace must not be negative, got " + killGrace);
      }
      baseEnvironment = Map.copyOf(baseEnvironment);
      policy = policy == null ? CommandPolicy.allowAll() : policy;
      envAllow = envAllow == null ? Set.of() : Set.copyOf(envAllow);
      taskDirRoot =
          taskDirRoot == null ? Path.of(System.getProperty("java.io.tmpdir")) : taskDirRoot;
    }

    public Settings(
        int outputCapBytes,
        Duration killGrace,
        Map<String, String> baseEnvironment,
        CommandPolicy policy) {
      this(
          outputCapBytes,
          killGrace,
          baseEnvironment,
          policy,
          envAllowFrom(System.getenv()),
          null,
          null);
    }

    public Settings(int outputCapBytes, Duration killGrace, Map<String, String> baseEnvironment) {
      this(outputCapBytes, killGrace, baseEnvironment, CommandPolicy.allowAll());
    }

    /** TASK_ENV_ALLOW of {@code environment}: comma-separated names. */
    public static Set<String> envAllowFrom(Map<String, String> environment) {
      String value = environment.getOrDefault("TASK_ENV_ALLOW", "");
      Set<String> names = new java.util.TreeSet<>();
      for (String name : value.split(",")) {
        if (!name.isBlank()) {
          names.add(name.trim());
        }
      }
      return names;
    }

    /** 1 MiB per stream, 5 s grace, {@link #DEFAULT_PASSTHROUGH} from this process, any program. */
    public static Settings defaults() {
      return new Settings(
          DEFAULT_OUTPUT_CAP_BYTES,
          DEFAULT_KILL_GRACE,
          passThrough(System.getenv(), DEFAULT_PASSTHROUGH),
          CommandPolicy.allowAll());
    }

    /** The variables of {@code environment} whose names are in {@code names}. */
    public static Map<String, String> passThrough(
        Map<String, String> environment, Set<String> names) {
      Map<String, String> base = new HashMap<>();
      names.forEach(
          name -> {
            String value = environment.get(name);
            if (value != null) {
              base.put(name, value);
            }
          });
      return base;
    }
  }

  private final Settings settings;
  private final java.util.concurrent.Executor ioThreads;
  private final SessionLauncher launcher = SessionLauncher.best();

  /**
   * @param settings caps, timings, environment and policy
   * @param ioThreads runs the threads that copy a process's stdin, stdout and stderr (three per
   *     task at most); on a worker, its managed executor
   */
  public CommandExecutor(Settings settings, java.util.concurrent.Executor ioThreads) {
    this.settings = settings;
    this.ioThreads = ioThreads;
  }

  /** How tasks' processes are started here (for the worker's log). */
  public String launcher() {
    return launcher.describe();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Makes {@code file} the task user's (see {@link Settings#taskUser()}), when there is one. */
  public void handToTaskUser(Path file) throws IOException {
    if (settings.taskUser() != null) {
      Files.setAttribute(file, "unix:uid", settings.taskUser().uid());
      Files.setAttribute(file, "unix:gid", settings.taskUser().gid());
    }
  }

  @Override
  public void validate(Task task) throws InvalidTaskException {
    List<Violation> violations = new ArrayList<>();
    if (task.command().isBlank()) {
      violations.add(
          new Violation(
              "command",
              task.shell()
                  ? "must not be empty; give the script to run, e.g. \"echo hi | tr a-z A-Z\""
                  : "must not be empty; give the program to run, e.g. \"echo\""));
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
        violations.add(
            new Violation(
                "env." + e.getKey(),
                "is not a valid variable name: use letters, digits and '_', not starting with a digit"));
      } else if (e.getValue().indexOf('\0') >= 0) {
        violations.add(
            new Violation("env." + e.getKey(), "value must not contain a NUL character"));
      } else if (EnvPolicy.denied(e.getKey()) && !settings.envAllow().contains(e.getKey())) {
        violations.add(
            new Violation(
                "env." + e.getKey(),
                "is refused: it changes what the loader, a shell or an interpreter runs before the"
                    + " program (TASK_ENV_ALLOW on the master and workers lets it through)"));
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
    if (context.isCancelled()) {
      return Result.cancelledBeforeStart("cancelled before start: " + context.cancelReason());
    }
    Optional<String> envRefusal = EnvPolicy.refusal(task.env().keySet(), settings.envAllow());
    if (envRefusal.isPresent()) {
      return Result.failedToStart("refused: " + envRefusal.get(), OptionalInt.empty());
    }
    File workdir =
        task.workdir() == null || task.workdir().isBlank() ? null : new File(task.workdir());
    if (workdir != null && !workdir.isDirectory()) {
      return Result.failedToStart(
          "workdir does not exist or is not a directory: " + task.workdir(), OptionalInt.empty());
    }
    Path ownDir = null;
    if (workdir == null) {
      // Not the worker's own folder (its server files, its data): a fresh one, removed after.
      try {
        ownDir = TaskDirs.create(settings.taskDirRoot(), task.id(), settings.taskUser());
      } catch (IOException e) {
        return Result.failedToStart(
            "could not make the task's folder in " + settings.taskDirRoot() + ": " + e.getMessage(),
            OptionalInt.empty());
      }
      workdir = ownDir.toFile();
    }
    try {
      return start(task, context, workdir, ownDir);
    } finally {
      if (ownDir != null) {
        TaskDirs.delete(ownDir);
      }
    }
  }

  private Result start(Task task, ExecutionContext context, File workdir, Path ownDir)
      throws InterruptedException {
    Map<String, String> env = new HashMap<>(settings.baseEnvironment());
    if (settings.taskUser() != null) {
      // The worker's HOME and name are not the task's.
      env.put("USER", settings.taskUser().name());
      env.put("LOGNAME", settings.taskUser().name());
      env.put("HOME", ownDir != null ? ownDir.toString() : workdir.toString());
    }
    env.putAll(task.env());
    List<String> argv = new ArrayList<>(3 + task.args().size());
    if (task.shell()) {
      // sh -c SCRIPT NAME ARGS...: the script sees the args as $1...; $0 is "sh".
      argv.addAll(List.of(realPath(Path.of(SHELL)).toString(), "-c", task.command(), "sh"));
    } else {
      // Resolve the program ourselves: the error then names it, and the policy sees the real path.
      Optional<Path> program = CommandPath.resolve(task.command(), env.get("PATH"), workdir);
      if (program.isEmpty()) {
        return Result.failedToStart(
            "command not found: " + task.command(), OptionalInt.of(EXIT_COMMAND_NOT_FOUND));
      }
      if (!Files.isExecutable(program.get()) || Files.isDirectory(program.get())) {
        return Result.failedToStart(
            "permission denied: " + task.command(), OptionalInt.of(EXIT_NOT_EXECUTABLE));
      }
      // The policy judges the real file (symlinks and '..' resolved), and that file is what runs:
      // no link can be swapped between the check and the start.
      argv.add(realPath(program.get()).toString());
    }
    argv.addAll(task.args());
    Optional<String> refusal = settings.policy().refusal(Path.of(argv.get(0)));
    if (refusal.isPresent()) {
      return Result.failedToStart(
          "refused: " + refusal.get() + (task.shell() ? " (shell mode runs " + SHELL + ")" : ""),
          OptionalInt.empty());
    }
    List<String> command = settings.taskUser() == null ? argv : settings.taskUser().wrap(argv);
    Instant startedAt = Instant.now();
    Process process;
    try {
      process = launcher.start(command, workdir, env);
    } catch (IOException e) {
      return Result.failedToStart(
          "could not start " + task.command() + ": " + e.getMessage(), OptionalInt.empty());
    }
    return awaitProcess(task, context, process, startedAt);
  }

  private static Path realPath(Path program) {
    try {
      return program.toRealPath();
    } catch (IOException e) {
      return program.toAbsolutePath().normalize(); // gone meanwhile: the start will say so
    }
  }

  private Result awaitProcess(
      Task task, ExecutionContext context, Process process, Instant startedAt)
      throws InterruptedException {
    PidWindow pids = PidWindow.since(process.pid());
    CappedOutput stdout = new CappedOutput(settings.outputCapBytes());
    CappedOutput stderr = new CappedOutput(settings.outputCapBytes());
    CompletableFuture<Void> outPump =
        pump(process.getInputStream(), StdStream.STDOUT, stdout, context.output());
    CompletableFuture<Void> errPump =
        pump(process.getErrorStream(), StdStream.STDERR, stderr, context.output());
    feedStdin(task, process);

    AtomicInteger killed = new AtomicInteger();
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    context.onCancel(
        () -> {
          if (process.isAlive() && cancelled.complete(null)) {
            Runnable kill =
                () ->
                    killed.addAndGet(
                        ProcessTree.kill(process.toHandle(), pids, settings.killGrace(), launcher));
            try {
              ioThreads.execute(kill);
            } catch (RejectedExecutionException e) {
              kill.run(); // the pool is shutting down: kill on the cancelling thread
            }
          }
        });
    UsageSampler usage = new UsageSampler(process.toHandle());
    boolean timedOut = false;
    try {
      long deadline =
          task.hasTimeout() ? System.nanoTime() + task.timeout().toNanos() : Long.MAX_VALUE;
      usage.sample();
      // Wait in short steps and sample the processes in between: no extra thread per task.
      while (!process.waitFor(
          Math.min(UsageSampler.INTERVAL.toNanos(), Math.max(0, deadline - System.nanoTime())),
          TimeUnit.NANOSECONDS)) {
        if (System.nanoTime() >= deadline) {
          timedOut = !cancelled.isDone();
          killed.addAndGet(
              ProcessTree.kill(process.toHandle(), pids, settings.killGrace(), launcher));
          break;
        }
        usage.sample();
        pids.observe();
      }
      int exit = process.waitFor();
      // The task ends with its leader: whatever it left running in its session goes too (and so
      // releases the output pipes).
      killed.addAndGet(ProcessTree.kill(process.toHandle(), pids, settings.killGrace(), launcher));
      drain(outPump);
      drain(errPump);
      Instant finishedAt = Instant.now();
      ResourceUsage used = new ResourceUsage(usage.cpuTime(), usage.peakRssBytes(), killed.get());
      if (timedOut) {
        return new Result(
            Outcome.TIMED_OUT,
            OptionalInt.empty(),
            stdout.captured(),
            stderr.captured(),
            "timed out after "
                + task.timeout().toSeconds()
                + " s; "
                + killed.get()
                + " process(es) killed",
            startedAt,
            finishedAt,
            used);
      }
      if (cancelled.isDone()) {
        return new Result(
            Outcome.CANCELLED,
            OptionalInt.empty(),
            stdout.captured(),
            stderr.captured(),
            "cancelled: " + context.cancelReason(),
            startedAt,
            finishedAt,
            used);
      }
      Outcome outcome = exit == 0 ? Outcome.SUCCEEDED : Outcome.FAILED;
      String error =
          exit == 0
              ? ""
              : exit > 128 && exit < 160
                  ? "killed by signal " + (exit - 128)
                  : "exited with code " + exit;
      return new Result(
          outcome,
          OptionalInt.of(exit),
          stdout.captured(),
          stderr.captured(),
          error,
          startedAt,
          finishedAt,
          used);
    } catch (InterruptedException e) {
      // The worker is going away: leave nothing running behind.
      ProcessTree.kill(process.toHandle(), pids, Duration.ZERO, launcher);
      throw e;
    }
  }

  private CompletableFuture<Void> pump(
      InputStream in, StdStream stream, CappedOutput kept, OutputSink live) {
    return CompletableFuture.runAsync(
        () -> {
          byte[] buffer = new byte[CHUNK_BYTES];
          try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
              kept.write(buffer, 0, n);
              live.accept(stream, buffer, 0, n);
            }
          } catch (IOException e) {
            // The pipe was closed under us: the output so far is kept.
            LOG.log(Level.FINE, "output pipe closed", e);
          }
        },
        ioThreads);
  }

  private void feedStdin(Task task, Process process) {
    byte[] input = task.stdin();
    OutputStream stdin = process.getOutputStream();
    if (input.length == 0) {
      closeQuietly(stdin);
      return;
    }
    // Written on its own thread: a process may fill its stdout before it reads all its stdin.
    ioThreads.execute(
        () -> {
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
      LOG.warning(
          "a process that left the task's session still holds its output open; output after now is not kept");
    } catch (ExecutionException e) {
      LOG.log(Level.WARNING, "copying output failed", e.getCause());
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "close failed", e);
    }
  }
}
