package io.distexec.master.jobs;

/** A listing cursor that this master did not hand out. */
public final class InvalidCursorException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidCursorException(String cursor) {
    super(
        "cursor '" + cursor + "' is not one this master handed out; start again without a cursor");
  }
}
