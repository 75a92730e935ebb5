package io.distexec.executor.command;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a program the way a shell's {@code execvp} does: a name with a '/' is a path, else PATH is
 * searched.
 */
final class CommandPath {

  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private CommandPath() {}

  static Optional<Path> resolve(String command, String pathVariable, File workdir) {
    if (command.contains("/")) {
      Path path = Path.of(command);
      if (!path.isAbsolute() && workdir != null) {
        path = workdir.toPath().resolve(path);
      }
      return Files.exists(path) ? Optional.of(path.toAbsolutePath()) : Optional.empty();
    }
    String search = pathVariable == null || pathVariable.isBlank() ? DEFAULT_PATH : pathVariable;
    for (String dir : search.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }
}
