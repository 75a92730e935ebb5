package io.distexec.executor.command;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Environment variables a task may not set: those that make the dynamic loader, a shell or an
 * interpreter run code of the caller's choosing before (or instead of) the program that was
 * allowed, which would make COMMAND_ALLOWLIST meaningless. A site that needs one (PYTHONPATH for
 * its own tools, say) names it in TASK_ENV_ALLOW, on the master and the workers alike.
 */
public final class EnvPolicy {

  /** The refused names; a trailing {@code *} is a prefix. Documented in the README. */
  public static final List<String> DENIED =
      List.of(
          "LD_*", // the glibc loader: LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, ...
          "DYLD_*",
          "GLIBC_TUNABLES",
          "GCONV_PATH",
          "BASH_ENV", // a file bash runs first
          "ENV", // the same for sh
          "BASH_FUNC_*",
          "SHELLOPTS",
          "BASHOPTS",
          "PS4",
          "PROMPT_COMMAND",
          "IFS",
          "PYTHONPATH",
          "PYTHONHOME",
          "PYTHONSTARTUP",
          "PYTHONINSPECT",
          "PERL5LIB",
          "PERL5OPT",
          "PERLLIB",
          "PERL5DB",
          "RUBYOPT",
          "RUBYLIB",
          "NODE_OPTIONS",
          "NODE_PATH",
          "JAVA_TOOL_OPTIONS",
          "_JAVA_OPTIONS",
          "JDK_JAVA_OPTIONS");

  private EnvPolicy() {}

  public static boolean denied(String name) {
    return DENIED.stream()
        .anyMatch(
            d ->
                d.endsWith("*") ? name.startsWith(d.substring(0, d.length() - 1)) : name.equals(d));
  }

  /** Why a task with these variables may not run, or empty when it may. */
  public static Optional<String> refusal(Set<String> names, Set<String> allowed) {
    Set<String> refused = new TreeSet<>();
    for (String name : names) {
      if (denied(name) && !allowed.contains(name)) {
        refused.add(name);
      }
    }
    if (refused.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        String.join(", ", refused)
            + (refused.size() == 1 ? " changes" : " change")
            + " what the loader, a shell or an interpreter runs before the program, so tasks may"
            + " not set it (TASK_ENV_ALLOW on the master and workers lets named variables through)");
  }
}
