package io.distexec.executor.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The unprivileged user tasks run as when the worker runs as root (TASK_USER, {@code nobody} by
 * default): a task then cannot read the worker's environment ({@code /proc/PID/environ}) or its
 * files, nor gain privileges through set-uid programs ({@code --no-new-privs}).
 *
 * @param name the login name
 * @param uid its user id
 * @param gid its primary group id
 * @param setpriv util-linux's setpriv, which starts each task as the user
 */
public record TaskUser(String name, int uid, int gid, Path setpriv) {

  /** The user root workers run tasks as unless TASK_USER says otherwise. */
  public static final String DEFAULT = "nobody";

  /**
   * Looks the user up with {@code id}.
   *
   * @throws IllegalArgumentException when there is no such user
   */
  public static TaskUser of(String name) {
    if (name == null || !name.matches("[a-z_][a-z0-9_.-]*\\$?")) {
      throw new IllegalArgumentException("TASK_USER '" + name + "' is not a user name");
    }
    Path setpriv =
        List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv")).stream()
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "TASK_USER needs setpriv (Debian/Ubuntu: util-linux) to start tasks as "
                            + name));
    return new TaskUser(name, id("-u", name), id("-g", name), setpriv);
  }

  private static int id(String flag, String name) {
    try {
      Process p = new ProcessBuilder("id", flag, name).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) {
        throw new IllegalArgumentException("TASK_USER '" + name + "': " + out);
      }
      return Integer.parseInt(out);
    } catch (IOException | NumberFormatException e) {
      throw new IllegalArgumentException("TASK_USER '" + name + "': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking up TASK_USER", e);
    }
  }

  /** True when this process runs with user id 0. */
  public static boolean runningAsRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // real, effective, ...: the effective one
        }
      }
    } catch (IOException e) {
      // not Linux: no /proc; tasks run as the worker's user
    }
    return false;
  }

  /** {@code argv} run as this user: through {@code setpriv}, which then execs it. */
  List<String> wrap(List<String> argv) {
    List<String> wrapped = new ArrayList<>(argv.size() + 6);
    wrapped.addAll(
        List.of(
            setpriv.toString(),
            "--reuid=" + uid,
            "--regid=" + gid,
            "--init-groups",
            "--no-new-privs",
            "--"));
    wrapped.addAll(argv);
    return wrapped;
  }
}
