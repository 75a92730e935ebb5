package io.distexec.executor.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which programs a worker may run (COMMAND_ALLOWLIST). The check is made on the program actually
 * started, after PATH lookup, so it cannot be side-stepped: arguments never choose the program, a
 * task that sets its own PATH resolves to a different path that is not allowed, and shell mode
 * starts {@code /bin/sh}, which must itself be allowed. An allowed program that runs other programs
 * (sh, env, xargs, an interpreter) lets those run too: allow such programs only on purpose.
 *
 * <p>Entries, comma-separated: a bare name ({@code echo}) allows that program where the worker's
 * own PATH finds it; an entry with a '/' is a glob on the program's real path, symlinks and '..'
 * resolved ({@code /usr/bin/*}, {@code /opt/tools/**}): a link inside an allowed folder to a
 * program outside it is refused. On merged-/usr systems {@code /bin/sh} is {@code /usr/bin/dash}.
 */
public final class CommandPolicy {

  private static final CommandPolicy ALLOW_ALL = new CommandPolicy("", Set.of(), List.of());

  private final String setting;
  private final Set<Path> allowedPaths;
  private final List<PathMatcher> globs;

  private CommandPolicy(String setting, Set<Path> allowedPaths, List<PathMatcher> globs) {
    this.setting = setting;
    this.allowedPaths = Set.copyOf(allowedPaths);
    this.globs = List.copyOf(globs);
  }

  public static CommandPolicy allowAll() {
    return ALLOW_ALL;
  }

  /**
   * @param allowList the COMMAND_ALLOWLIST value; blank allows everything
   * @param basePath the worker's PATH, used to find bare names
   */
  public static CommandPolicy parse(String allowList, String basePath) {
    if (allowList == null || allowList.isBlank()) {
      return ALLOW_ALL;
    }
    Set<Path> paths = new LinkedHashSet<>();
    List<PathMatcher> globs = new ArrayList<>();
    for (String raw : allowList.split(",")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.contains("/")) {
        if (!entry.startsWith("/")) {
          throw new IllegalArgumentException(
              "COMMAND_ALLOWLIST entry '"
                  + entry
                  + "' must be a bare program name or an absolute path glob such as /usr/bin/*");
        }
        globs.add(FileSystems.getDefault().getPathMatcher("glob:" + entry));
      } else {
        String search =
            basePath == null || basePath.isBlank() ? "/usr/local/bin:/usr/bin:/bin" : basePath;
        for (String dir : search.split(File.pathSeparator)) {
          Path candidate = Path.of(dir.isEmpty() ? "." : dir, entry).toAbsolutePath().normalize();
          if (Files.isExecutable(candidate)) {
            try {
              // Programs are judged by their real file: keep the real file of the name.
              paths.add(candidate.toRealPath());
            } catch (IOException e) {
              // vanished meanwhile: nothing to allow
            }
          }
        }
      }
    }
    return new CommandPolicy(allowList.trim(), paths, globs);
  }

  public boolean allowsEverything() {
    return this == ALLOW_ALL;
  }

  /** Why {@code program} (absolute) may not run, or empty when it may. */
  public Optional<String> refusal(Path program) {
    if (allowsEverything()) {
      return Optional.empty();
    }
    Path normalized = program.toAbsolutePath().normalize();
    if (allowedPaths.contains(normalized) || globs.stream().anyMatch(g -> g.matches(normalized))) {
      return Optional.empty();
    }
    return Optional.of(
        normalized + " is not allowed by this worker's COMMAND_ALLOWLIST (" + setting + ")");
  }
}
