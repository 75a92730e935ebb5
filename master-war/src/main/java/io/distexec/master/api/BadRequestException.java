package io.distexec.master.api;

import io.distexec.master.api.Problem.FieldError;
import java.util.List;

/** The request could not be read as a job (not JSON, wrong types, unknown fields). */
public final class BadRequestException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<FieldError> errors;

  public BadRequestException(String message, List<FieldError> errors) {
    super(message);
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
