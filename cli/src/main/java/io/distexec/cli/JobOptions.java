package io.distexec.cli;

import io.distexec.client.JobRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What to run: shared by run and submit. */
final class JobOptions {

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "SECONDS",
      description = "Kill the command after this long.")
  Integer timeoutSeconds;

  @Option(
      names = {"-e", "--env"},
      paramLabel = "NAME=VALUE",
      description = "Set a variable (repeatable).")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(
      names = {"-w", "--workdir"},
      paramLabel = "DIR",
      description = "Working directory on the worker.")
  String workdir;

  @Option(names = "--stdin", paramLabel = "FILE", description = "Send this file as standard input.")
  Path stdin;

  @Option(
      names = "--shell",
      description = "Run COMMAND as a /bin/sh -c script; ARGS become $1, $2, ...")
  boolean shell;

  @Option(
      names = "--type",
      paramLabel = "EXECUTOR",
      description = "The executor (default command).")
  String type;

  @Option(
      names = "--attr",
      paramLabel = "NAME=VALUE",
      description = "An executor attribute, e.g. script=... (repeatable).")
  Map<String, String> attributes = new LinkedHashMap<>();

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      description =
          "Run again (up to N times in all) if the worker dies or on a --retry-on exit code.")
  Integer maxAttempts;

  @Option(
      names = "--retry-on",
      paramLabel = "EXIT_CODE",
      split = ",",
      description = "Exit codes that mean \"try again\" (with --max-attempts), e.g. 75.")
  List<Integer> retryOn = new ArrayList<>();

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description =
          "Makes the submit safe to repeat: the same key and command give back the first job.")
  String idempotencyKey;

  @Parameters(
      index = "0",
      paramLabel = "COMMAND",
      description = "The program to run (put -- before it).")
  String command;

  @Parameters(
      index = "1..*",
      paramLabel = "ARGS",
      description = "Its arguments, passed as they are.")
  List<String> args = new ArrayList<>();

  private byte[] stdinBytes;

  JobRequest toRequest() {
    return toRequest(idempotencyKey);
  }

  /** The request with {@code line} added as its last argument (one job of --args-from). */
  JobRequest toRequestWithLastArg(String line) {
    List<String> withLine = new ArrayList<>(args);
    withLine.add(line);
    return builder(withLine, null);
  }

  /**
   * @param key the request's own idempotency key, or {@code null} (a batch has one of its own)
   */
  JobRequest toRequest(String key) {
    return builder(args, key);
  }

  private JobRequest builder(List<String> arguments, String key) {
    JobRequest.Builder b = JobRequest.command(command).args(arguments).env(env).shell(shell);
    if (timeoutSeconds != null) {
      if (timeoutSeconds < 0) {
        throw new IllegalArgumentException("--timeout must not be negative");
      }
      b.timeout(Duration.ofSeconds(timeoutSeconds));
    }
    if (workdir != null) {
      b.workdir(workdir);
    }
    if (type != null) {
      b.type(type);
    }
    attributes.forEach(b::attribute);
    if (maxAttempts != null) {
      b.maxAttempts(maxAttempts);
    }
    b.retryOnExitCodes(retryOn.stream().mapToInt(Integer::intValue).toArray());
    if (key != null) {
      b.idempotencyKey(key);
    }
    if (stdin != null) {
      b.stdin(stdinBytes());
    }
    return b.build();
  }

  /** The --stdin file, read once however many jobs send it. */
  private byte[] stdinBytes() {
    if (stdinBytes == null) {
      try {
        stdinBytes = Files.readAllBytes(stdin);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --stdin " + stdin + ": " + e.getMessage());
      }
    }
    return stdinBytes;
  }
}
