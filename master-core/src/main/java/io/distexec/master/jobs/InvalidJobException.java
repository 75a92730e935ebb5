package io.distexec.master.jobs;

import io.distexec.executor.InvalidTaskException.Violation;
import java.util.List;
import java.util.stream.Collectors;

/** A submitted job cannot be accepted as given; each violation names the field to fix. */
public final class InvalidJobException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<Violation> violations;

  public InvalidJobException(List<Violation> violations) {
    super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  public static InvalidJobException of(String field, String message) {
    return new InvalidJobException(List.of(new Violation(field, message)));
  }

  public List<Violation> violations() {
    return violations;
  }
}
