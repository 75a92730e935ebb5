package io.distexec.executor.script;

import io.distexec.executor.ExecutionContext;
import io.distexec.executor.Executor;
import io.distexec.executor.InvalidTaskException;
import io.distexec.executor.InvalidTaskException.Violation;
import io.distexec.executor.Result;
import io.distexec.executor.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.logging.Logger;

/**
 * Runs an inline script with a named interpreter: {@code command} names the interpreter ({@code
 * python3}, {@code bash}, {@code perl}, ...), the {@code script} attribute holds the source, and
 * {@code args} reach the script as its arguments. The script is written to a private temporary file
 * that the interpreter runs, through the worker's command executor, so timeouts, cancel, output
 * caps, streaming and the command policy (which then applies to the interpreter) all hold.
 */
public final class ScriptExecutor implements Executor {

  public static final String NAME = "script";

  /** The attribute that holds the script's source. */
  public static final String SCRIPT = "script";

  private static final Logger LOG = Logger.getLogger(ScriptExecutor.class.getName());

  /**
   * Hands a script file to the user its task runs as ({@code ExecutorEnvironment.handToTaskUser}).
   */
  @FunctionalInterface
  public interface FileOwner {
    void handOver(Path file) throws IOException;
  }

  private final Executor command;
  private final Path scratch;
  private final FileOwner owner;

  /** A script executor whose tasks run as the worker's user. */
  public ScriptExecutor(Executor command, Path scratch) {
    this(command, scratch, file -> {});
  }

  /**
   * @param command the worker's command executor
   * @param scratch where scripts are written while they run
   * @param owner gives each script file to the user its task runs as
   */
  public ScriptExecutor(Executor command, Path scratch, FileOwner owner) {
    this.command = command;
    this.scratch = scratch;
    this.owner = owner;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(Task task) throws InvalidTaskException {
    List<Violation> violations = new ArrayList<>();
    if (task.command().isBlank()) {
      violations.add(
          new Violation("command", "must name the interpreter, e.g. \"python3\" or \"bash\""));
    }
    String script = task.attributes().get(SCRIPT);
    if (script == null || script.isBlank()) {
      violations.add(new Violation("attributes.script", "must hold the script to run"));
    }
    if (task.shell()) {
      violations.add(
          new Violation(
              "shell", "does not apply to script tasks: the interpreter runs the script"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidTaskException(violations);
    }
    command.validate(asCommand(task, Path.of("script")));
  }

  @Override
  public Result execute(Task task, ExecutionContext context) throws InterruptedException {
    Path file;
    try {
      file =
          Files.createTempFile(
              scratch,
              "distexec-script-",
              "",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, task.attributes().get(SCRIPT), StandardCharsets.UTF_8);
      owner.handOver(file); // readable by the task's user, still by nobody else
    } catch (IOException e) {
      return Result.failedToStart(
          "could not write the script to " + scratch + ": " + e.getMessage(), OptionalInt.empty());
    }
    try {
      return command.execute(asCommand(task, file), context);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warning(() -> "could not delete " + file + ": " + e.getMessage());
      }
    }
  }

  /** The command task that runs the script file: interpreter, file, then the task's args. */
  private static Task asCommand(Task task, Path file) {
    List<String> args = new ArrayList<>(1 + task.args().size());
    args.add(file.toString());
    args.addAll(task.args());
    return new Task(
        task.id(),
        "command",
        task.command(),
        args,
        task.env(),
        task.workdir(),
        task.stdin(),
        task.timeout(),
        Map.of(),
        false);
  }

  @Override
  public Health healthCheck() {
    return Files.isWritable(scratch)
        ? Health.up()
        : Health.down("cannot write scripts to " + scratch);
  }
}
