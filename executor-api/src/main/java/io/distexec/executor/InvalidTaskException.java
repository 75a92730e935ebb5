package io.distexec.executor;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link Executor#validate(Task)} when a task cannot run as given. Each violation names
 * the field to fix, so that the master can answer with a 400 / INVALID_ARGUMENT that says what to
 * change.
 */
public final class InvalidTaskException extends Exception {

  private static final long serialVersionUID = 1L;

  /** One problem with one field of a task. */
  public record Violation(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  private final List<Violation> violations;

  public InvalidTaskException(List<Violation> violations) {
    super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  public static InvalidTaskException of(String field, String message) {
    return new InvalidTaskException(List.of(new Violation(field, message)));
  }

  public List<Violation> violations() {
    return violations;
  }
}
