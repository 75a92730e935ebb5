package io.distexec.master.api;

/** A request body larger than the API takes; answered 413 before the rest of it is read. */
public final class PayloadTooLargeException extends Exception {

  private static final long serialVersionUID = 1L;

  public PayloadTooLargeException(String message) {
    super(message);
  }
}
