package io.distexec.master.grpc;

import io.distexec.master.access.AccessDeniedException;
import io.distexec.master.access.TokenException;
import io.distexec.master.jobs.IdempotencyConflictException;
import io.distexec.master.jobs.InvalidJobException;
import io.distexec.master.jobs.JobAlreadyEndedException;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobNotFoundException;
import io.distexec.master.jobs.QueueFullException;
import io.distexec.master.registry.UnknownWorkerException;
import io.distexec.master.store.StoreException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one mapping from the master's failures to gRPC statuses, for every service: expected failures
 * get a status that says what to do; anything else is logged once and answered INTERNAL.
 */
public final class GrpcStatuses {

  private static final Logger LOG = Logger.getLogger(GrpcStatuses.class.getName());
  static final String STORE_UNAVAILABLE =
      "the master cannot reach its job store; nothing was changed, try again";

  private GrpcStatuses() {}

  /** The status that answers {@code failure}. */
  public static Status of(Throwable failure) {
    if (failure instanceof StatusRuntimeException s) {
      return s.getStatus();
    }
    if (failure instanceof InvalidJobException || failure instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(failure.getMessage());
    }
    if (failure instanceof JobNotFoundException || failure instanceof UnknownWorkerException) {
      return Status.NOT_FOUND.withDescription(failure.getMessage());
    }
    if (failure instanceof JobAlreadyEndedException) {
      return Status.FAILED_PRECONDITION.withDescription(failure.getMessage());
    }
    if (failure instanceof IdempotencyConflictException) {
      return Status.ALREADY_EXISTS.withDescription(failure.getMessage());
    }
    if (failure instanceof QueueFullException
        || failure instanceof JobEvents.TooManyWatchersException) {
      return Status.RESOURCE_EXHAUSTED.withDescription(failure.getMessage());
    }
    if (failure instanceof AccessDeniedException) {
      return Status.PERMISSION_DENIED.withDescription(failure.getMessage());
    }
    if (failure instanceof TokenException t) {
      Status status =
          switch (t.kind()) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case EXISTS -> Status.ALREADY_EXISTS;
            case FIXED -> Status.FAILED_PRECONDITION;
          };
      return status.withDescription(t.getMessage());
    }
    if (failure instanceof StoreException) {
      LOG.log(Level.WARNING, "job store unavailable", failure);
      return Status.UNAVAILABLE.withDescription(STORE_UNAVAILABLE);
    }
    LOG.log(Level.SEVERE, "unexpected failure in a gRPC call", failure);
    return Status.INTERNAL.withDescription("the master failed unexpectedly; see its log");
  }

  /** {@link #of} as an exception to hand to {@code onError}. */
  public static StatusRuntimeException exception(Throwable failure) {
    return of(failure).asRuntimeException();
  }
}
