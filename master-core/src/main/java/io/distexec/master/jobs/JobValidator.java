package io.distexec.master.jobs;

import io.distexec.executor.InvalidTaskException;
import io.distexec.executor.InvalidTaskException.Violation;
import io.distexec.executor.Task;
import io.distexec.executor.command.CommandExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks a job before it is accepted, so that bad input gets a 400 naming the field instead of a
 * failed job later. Command jobs get the command executor's own checks; other types are checked on
 * the worker by their executor.
 */
public final class JobValidator {

  /** Longest timeout accepted: a week. */
  public static final long MAX_TIMEOUT_SECONDS = Duration.ofDays(7).toSeconds();

  private final CommandExecutor commandRules;
  private final Supplier<Set<String>> knownTypes;

  /**
   * @param knownTypes the executor types registered workers have now
   */
  public JobValidator(Supplier<Set<String>> knownTypes) {
    // Used only for validate(), which starts nothing.
    this.commandRules = new CommandExecutor(CommandExecutor.Settings.defaults(), Runnable::run);
    this.knownTypes = knownTypes;
  }

  public void validate(JobSpec spec) throws InvalidJobException {
    validate(spec, RetryPolicy.NONE);
  }

  public void validate(JobSpec spec, RetryPolicy retry) throws InvalidJobException {
    List<Violation> violations = new ArrayList<>();
    if (retry.maxAttempts() < 1 || retry.maxAttempts() > RetryPolicy.MAX_ATTEMPTS) {
      violations.add(new Violation("maxAttempts", "must be from 1 to " + RetryPolicy.MAX_ATTEMPTS));
    }
    for (int code : retry.retryOnExitCodes()) {
      if (code < 1 || code > 255) {
        violations.add(
            new Violation("retryOnExitCodes", "must hold exit codes from 1 to 255, got " + code));
      }
    }
    if (spec.timeoutSeconds() < 0) {
      violations.add(new Violation("timeoutSeconds", "must not be negative; use 0 for no timeout"));
    } else if (spec.timeoutSeconds() > MAX_TIMEOUT_SECONDS) {
      violations.add(
          new Violation("timeoutSeconds", "must be at most " + MAX_TIMEOUT_SECONDS + " (7 days)"));
    }
    if (spec.workdir() != null && !spec.workdir().startsWith("/")) {
      violations.add(
          new Violation("workdir", "must be an absolute path, got '" + spec.workdir() + "'"));
    }
    if (JobSpec.DEFAULT_TYPE.equals(spec.type())) {
      try {
        commandRules.validate(
            new Task(
                "validation",
                spec.type(),
                spec.command(),
                spec.args(),
                spec.env(),
                spec.workdir(),
                null,
                Duration.ZERO,
                spec.attributes(),
                spec.shell()));
      } catch (InvalidTaskException e) {
        violations.addAll(e.violations());
      }
    } else {
      Set<String> known = knownTypes.get();
      if (!known.contains(spec.type())) {
        violations.add(
            new Violation(
                "type",
                "no registered worker has an executor named '"
                    + spec.type()
                    + "'; known types: "
                    + known));
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidJobException(violations);
    }
  }
}
