package io.distexec.master.access;

/** A token request that cannot be done, with why: 400, 404 or 409. */
public final class TokenException extends Exception {

  /** What went wrong, for the status of the answer. */
  public enum Kind {
    INVALID,
    NOT_FOUND,
    /** A good token has the name. */
    EXISTS,
    /** The token is defined in a file on the master, not through the API. */
    FIXED
  }

  private final Kind kind;

  public TokenException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
