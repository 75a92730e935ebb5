package io.distexec.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A call to the master failed. Subclasses name the expected failures; the message says what to do.
 */
public class DistexecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  DistexecException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The job request was refused; the message names the field to fix. */
  public static final class InvalidJobException extends DistexecException {
    private static final long serialVersionUID = 1L;

    InvalidJobException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** No job (or worker) with that id. */
  public static final class NotFoundException extends DistexecException {
    private static final long serialVersionUID = 1L;

    NotFoundException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The master holds MAX_CONCURRENT_JOBS unfinished jobs; retry later. */
  public static final class QueueFullException extends DistexecException {
    private static final long serialVersionUID = 1L;

    QueueFullException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The job has already ended. */
  public static final class JobEndedException extends DistexecException {
    private static final long serialVersionUID = 1L;

    JobEndedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The idempotency key was used before for a different request. */
  public static final class IdempotencyConflictException extends DistexecException {
    private static final long serialVersionUID = 1L;

    IdempotencyConflictException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The call carried no API token, or one the master does not know (revoked, mistyped). */
  public static final class UnauthenticatedException extends DistexecException {
    private static final long serialVersionUID = 1L;

    UnauthenticatedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The token's roles do not allow the call; the message names the roles that do. */
  public static final class PermissionDeniedException extends DistexecException {
    private static final long serialVersionUID = 1L;

    PermissionDeniedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The master did not answer in time or could not be reached. */
  public static final class MasterUnavailableException extends DistexecException {
    private static final long serialVersionUID = 1L;

    MasterUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static DistexecException from(StatusRuntimeException e, String master) {
    Status status = e.getStatus();
    String detail =
        status.getDescription() == null ? status.getCode().toString() : status.getDescription();
    return switch (status.getCode()) {
      case INVALID_ARGUMENT -> new InvalidJobException(detail, e);
      case NOT_FOUND -> new NotFoundException(detail, e);
      case RESOURCE_EXHAUSTED -> new QueueFullException(detail, e);
      case FAILED_PRECONDITION -> new JobEndedException(detail, e);
      case ALREADY_EXISTS -> new IdempotencyConflictException(detail, e);
      case UNAUTHENTICATED -> new UnauthenticatedException(detail, e);
      case PERMISSION_DENIED -> new PermissionDeniedException(detail, e);
      case UNAVAILABLE, DEADLINE_EXCEEDED ->
          new MasterUnavailableException(
              "cannot reach the master at "
                  + master
                  + " ("
                  + status.getCode()
                  + (status.getDescription() == null ? "" : ": " + status.getDescription())
                  + "); is it running?",
              e);
      default ->
          new DistexecException(
              "the master at " + master + " failed: " + status.getCode() + " " + detail, e);
    };
  }
}
