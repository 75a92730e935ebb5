package io.distexec.master.api;

import java.util.List;

/**
 * An RFC 9457 problem body: what went wrong, and for bad input which fields to fix.
 *
 * @param type a URI naming the kind of problem
 * @param title short summary of the kind
 * @param status the HTTP status
 * @param detail what happened in this case, in words the user can act on
 * @param errors the fields at fault, for bad input
 */
public record Problem(
    String type, String title, int status, String detail, List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** One field at fault. */
  public record FieldError(String field, String message) {}

  public static Problem of(int status, String title, String detail) {
    return new Problem("about:blank", title, status, detail, List.of());
  }
}
