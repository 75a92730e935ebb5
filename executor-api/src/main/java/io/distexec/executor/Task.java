package io.distexec.executor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One unit of work for an executor. The executor named by {@code type} decides which fields it
 * reads; the built-in command executor reads all of them.
 *
 * @param id unique id of this attempt (used in logs and to cancel it)
 * @param type executor name, e.g. {@code "command"}
 * @param command program to run; looked up on the PATH unless it contains a '/'
 * @param args arguments after the program name, passed as they are (no shell)
 * @param env variables set on top of the executor's base environment
 * @param workdir working directory, or {@code null} for the executor's default
 * @param stdin bytes written to standard input, which is then closed; empty for none
 * @param timeout wall-clock limit from the start; {@link Duration#ZERO} means none
 * @param attributes executor-specific options
 * @param shell run {@code command} as a {@code /bin/sh -c} script, with {@code args} as its
 *     positional parameters {@code $1 ...}; only when asked for explicitly
 */
public record Task(
    String id,
    String type,
    String command,
    List<String> args,
    Map<String, String> env,
    String workdir,
    byte[] stdin,
    Duration timeout,
    Map<String, String> attributes,
    boolean shell) {

  /** The type of a task that names none: the built-in command executor's. */
  public static final String DEFAULT_TYPE = "command";

  public Task {
    Objects.requireNonNull(id, "id");
    type = type == null || type.isBlank() ? DEFAULT_TYPE : type;
    command = command == null ? "" : command;
    args = List.copyOf(args == null ? List.of() : args);
    env = Map.copyOf(env == null ? Map.of() : env);
    stdin = stdin == null ? new byte[0] : stdin.clone();
    timeout = timeout == null ? Duration.ZERO : timeout;
    attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
  }

  /** A command task with defaults for everything but the program and its arguments. */
  public static Task command(String id, String command, String... args) {
    return new Task(
        id,
        DEFAULT_TYPE,
        command,
        List.of(args),
        Map.of(),
        null,
        null,
        Duration.ZERO,
        Map.of(),
        false);
  }

  /** The standard input; a copy, since arrays are mutable. */
  @Override
  public byte[] stdin() {
    return stdin.clone();
  }

  public boolean hasTimeout() {
    return !timeout.isZero();
  }

  public Task withTimeout(Duration newTimeout) {
    return new Task(id, type, command, args, env, workdir, stdin, newTimeout, attributes, shell);
  }

  public Task withEnv(Map<String, String> newEnv) {
    return new Task(id, type, command, args, newEnv, workdir, stdin, timeout, attributes, shell);
  }

  public Task withWorkdir(String newWorkdir) {
    return new Task(id, type, command, args, env, newWorkdir, stdin, timeout, attributes, shell);
  }

  public Task withStdin(byte[] newStdin) {
    return new Task(id, type, command, args, env, workdir, newStdin, timeout, attributes, shell);
  }

  public Task withShell(boolean newShell) {
    return new Task(id, type, command, args, env, workdir, stdin, timeout, attributes, newShell);
  }

  public Task withAttributes(Map<String, String> newAttributes) {
    return new Task(id, type, command, args, env, workdir, stdin, timeout, newAttributes, shell);
  }

  @Override
  public String toString() {
    // Never print env values or stdin: they may hold secrets.
    return "Task[id="
        + id
        + ", type="
        + type
        + ", command="
        + command
        + ", args="
        + args.size()
        + ", env="
        + env.keySet()
        + ", workdir="
        + workdir
        + ", timeout="
        + timeout
        + ", shell="
        + shell
        + "]";
  }
}
