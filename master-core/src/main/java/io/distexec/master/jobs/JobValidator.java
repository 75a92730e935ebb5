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

  private final CommandExecutor commandRules;
  private final Supplier<Set<String>> knownTypes;
  private final JobLimits limits;

  /**
   * @param knownTypes the executor types registered workers have now
   */
  public JobValidator(Supplier<Set<String>> knownTypes) {
    this(knownTypes, JobLimits.DEFAULTS);
  }

  /**
   * @param knownTypes the executor types registered workers have now
   * @param limits the bounds on every part of a job
   */
  public JobValidator(Supplier<Set<String>> knownTypes, JobLimits limits) {
    // Used only for validate(), which starts nothing.
    this.commandRules = new CommandExecutor(CommandExecutor.Settings.defaults(), Runnable::run);
    this.knownTypes = knownTypes;
    this.limits = limits;
  }

  public JobLimits limits() {
    return limits;
  }

  public void validate(JobSpec spec) throws InvalidJobException {
    validate(spec, RetryPolicy.NONE);
  }

  public void validate(JobSpec spec, RetryPolicy retry) throws InvalidJobException {
    List<Violation> violations = new ArrayList<>();
    checkSizes(spec, violations);
    if (!violations.isEmpty()) {
      // A spec over its bounds is not looked at any further: the checks below walk every part.
      throw new InvalidJobException(violations);
    }
    if (retry.maxAttempts() < 1 || retry.maxAttempts() > RetryPolicy.MAX_ATTEMPTS) {
      violations.add(new Violation("maxAttempts", "must be from 1 to " + RetryPolicy.MAX_ATTEMPTS));
    }
    for (int code : retry.retryOnExitCodes()) {
      if (code < 1 || code > 255) {
        violations.add(
            new Violation("retryOnExitCodes", "must hold exit codes from 1 to 255, got " + code));
      }
    }
    long maxTimeout = limits.maxTimeout().toSeconds();
    if (spec.timeoutSeconds() < 0) {
      violations.add(
          new Violation("timeoutSeconds", "must not be negative; leave it out for the default"));
    } else if (maxTimeout > 0 && spec.timeoutSeconds() > maxTimeout) {
      violations.add(
          new Violation(
              "timeoutSeconds",
              "must be at most "
                  + maxTimeout
                  + " (MAX_TIMEOUT_SECONDS), got "
                  + spec.timeoutSeconds()));
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
      // With no worker registered (an autoscaler at zero, workers restarting) nothing is known:
      // the job waits for workers, whose executors decide.
      if (!known.isEmpty() && !known.contains(spec.type())) {
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

  private void checkSizes(JobSpec spec, List<Violation> violations) {
    long size = JobLimits.sizeOf(spec);
    if (size > limits.maxSpecBytes()) {
      violations.add(
          new Violation(
              "spec",
              "the job is "
                  + size
                  + " bytes (command, args, env, workdir, stdin, attributes); at most "
                  + limits.maxSpecBytes()
                  + " (MAX_JOB_SPEC_BYTES): pass large input as a file the worker can read"));
    }
    count(violations, "args", spec.args().size(), JobLimits.MAX_ARGS, "arguments");
    count(violations, "env", spec.env().size(), JobLimits.MAX_ENV, "variables");
    count(violations, "attributes", spec.attributes().size(), JobLimits.MAX_ATTRIBUTES, "entries");
    longName(violations, "type", spec.type());
    spec.env().keySet().forEach(name -> longName(violations, "env", name));
    spec.attributes().keySet().forEach(name -> longName(violations, "attributes", name));
  }

  private static void count(
      List<Violation> violations, String field, int count, int max, String what) {
    if (count > max) {
      violations.add(new Violation(field, "has " + count + " " + what + "; at most " + max));
    }
  }

  private static void longName(List<Violation> violations, String field, String name) {
    if (name.length() > JobLimits.MAX_NAME_CHARS) {
      violations.add(
          new Violation(
              field,
              "names at most "
                  + JobLimits.MAX_NAME_CHARS
                  + " characters long are allowed, got one of "
                  + name.length()));
    }
  }
}
