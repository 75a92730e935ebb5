package io.distexec.master.jobs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a user asked to run; the master stores it and hands it to a worker as it is.
 *
 * @param type executor name ("command" by default)
 * @param command program to run
 * @param args arguments, passed without a shell
 * @param env environment variables for the task
 * @param workdir working directory on the worker, or {@code null}
 * @param stdin bytes for standard input
 * @param timeoutSeconds wall-clock limit; 0 for none
 * @param attributes executor-specific options
 * @param shell run {@code command} as a {@code /bin/sh -c} script (explicit opt-in)
 */
public record JobSpec(
    String type,
    String command,
    List<String> args,
    Map<String, String> env,
    String workdir,
    byte[] stdin,
    long timeoutSeconds,
    Map<String, String> attributes,
    boolean shell) {

  public static final String DEFAULT_TYPE = "command";

  public JobSpec {
    type = type == null || type.isBlank() ? DEFAULT_TYPE : type;
    command = command == null ? "" : command;
    args = List.copyOf(args == null ? List.of() : args);
    env = Map.copyOf(env == null ? Map.of() : env);
    workdir = workdir == null || workdir.isBlank() ? null : workdir;
    stdin = stdin == null ? new byte[0] : stdin.clone();
    attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
  }

  public static JobSpec command(String command, String... args) {
    return new JobSpec(
        DEFAULT_TYPE, command, List.of(args), Map.of(), null, null, 0, Map.of(), false);
  }

  @Override
  public byte[] stdin() {
    return stdin.clone();
  }

  /**
   * The command and its arguments joined by spaces, cut to {@code maxChars}: what a person reads as
   * the job's command line (the console, the listing's text filter). Not a shell line: no quoting.
   */
  public String commandLine(int maxChars) {
    StringBuilder line = new StringBuilder(command);
    for (String arg : args) {
      if (line.length() >= maxChars) {
        break;
      }
      line.append(' ').append(arg);
    }
    return line.length() > maxChars ? line.substring(0, maxChars) : line.toString();
  }

  /** A digest of every field, for recognising a repeated request; secrets do not leave it. */
  String fingerprint(RetryPolicy retry) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      Consumer<String> add =
          text -> {
            byte[] bytes = (text == null ? "\u0000null" : text).getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            digest.update(bytes);
          };
      add.accept(type);
      add.accept(command);
      args.forEach(add);
      add.accept("|env");
      new TreeMap<>(env)
          .forEach(
              (k, v) -> {
                add.accept(k);
                add.accept(v);
              });
      add.accept(workdir);
      digest.update(stdin);
      add.accept(Long.toString(timeoutSeconds));
      add.accept("|attributes");
      new TreeMap<>(attributes)
          .forEach(
              (k, v) -> {
                add.accept(k);
                add.accept(v);
              });
      add.accept(Boolean.toString(shell));
      add.accept(retry.canonical());
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The spec with its secrets erased: environment values emptied (the names stay, for the record)
   * and stdin dropped.
   */
  public JobSpec withoutSecrets() {
    Map<String, String> names = new TreeMap<>();
    env.keySet().forEach(name -> names.put(name, ""));
    return new JobSpec(
        type, command, args, names, workdir, null, timeoutSeconds, attributes, shell);
  }

  @Override
  public String toString() {
    // env values and stdin may be secrets: never print them.
    return "JobSpec[type="
        + type
        + ", command="
        + command
        + ", args="
        + args.size()
        + ", env="
        + env.keySet()
        + ", workdir="
        + workdir
        + ", timeoutSeconds="
        + timeoutSeconds
        + ", shell="
        + shell
        + "]";
  }
}
