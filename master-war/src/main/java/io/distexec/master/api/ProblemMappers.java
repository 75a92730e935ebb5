package io.distexec.master.api;

import io.distexec.master.access.AccessDeniedException;
import io.distexec.master.access.TokenException;
import io.distexec.master.api.Problem.FieldError;
import io.distexec.master.jobs.IdempotencyConflictException;
import io.distexec.master.jobs.InvalidJobException;
import io.distexec.master.jobs.JobAlreadyEndedException;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobNotFoundException;
import io.distexec.master.jobs.QueueFullException;
import io.distexec.master.store.StoreException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every failure into a problem body with the right status; never a stack trace. */
public final class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

  /** Seconds a client should wait before it submits again after a 429. */
  static final int RETRY_AFTER_SECONDS = 1;

  private ProblemMappers() {}

  static Response problem(Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
  }

  @Provider
  public static final class BadRequest implements ExceptionMapper<BadRequestException> {
    @Override
    public Response toResponse(BadRequestException e) {
      return problem(new Problem("about:blank", "Bad request", 400, e.getMessage(), e.errors()));
    }
  }

  @Provider
  public static final class Forbidden implements ExceptionMapper<AccessDeniedException> {
    @Override
    public Response toResponse(AccessDeniedException e) {
      return problem(Problem.of(403, "Forbidden", e.getMessage()));
    }
  }

  @Provider
  public static final class TokenRefused implements ExceptionMapper<TokenException> {
    @Override
    public Response toResponse(TokenException e) {
      return switch (e.kind()) {
        case INVALID ->
            problem(
                new Problem(
                    "about:blank",
                    "Bad request",
                    400,
                    e.getMessage(),
                    List.of(
                        new FieldError(
                            e.getMessage().contains("role") ? "roles" : "name", e.getMessage()))));
        case NOT_FOUND -> problem(Problem.of(404, "Not found", e.getMessage()));
        case EXISTS, FIXED -> problem(Problem.of(409, "Conflict", e.getMessage()));
      };
    }
  }

  @Provider
  public static final class PayloadTooLarge implements ExceptionMapper<PayloadTooLargeException> {
    @Override
    public Response toResponse(PayloadTooLargeException e) {
      return problem(Problem.of(413, "Request body too large", e.getMessage()));
    }
  }

  @Provider
  public static final class TooManyWatchers
      implements ExceptionMapper<JobEvents.TooManyWatchersException> {
    @Override
    public Response toResponse(JobEvents.TooManyWatchersException e) {
      return Response.fromResponse(problem(Problem.of(429, "Too many watchers", e.getMessage())))
          .header("Retry-After", RETRY_AFTER_SECONDS)
          .build();
    }
  }

  @Provider
  public static final class InvalidJob implements ExceptionMapper<InvalidJobException> {
    @Override
    public Response toResponse(InvalidJobException e) {
      return problem(
          new Problem(
              "about:blank",
              "Invalid job",
              400,
              e.getMessage(),
              e.violations().stream().map(v -> new FieldError(v.field(), v.message())).toList()));
    }
  }

  @Provider
  public static final class QueueFull implements ExceptionMapper<QueueFullException> {
    @Override
    public Response toResponse(QueueFullException e) {
      return Response.fromResponse(
              problem(Problem.of(429, "Too many unfinished jobs", e.getMessage())))
          .header("Retry-After", RETRY_AFTER_SECONDS)
          .build();
    }
  }

  @Provider
  public static final class NotFound implements ExceptionMapper<JobNotFoundException> {
    @Override
    public Response toResponse(JobNotFoundException e) {
      return problem(Problem.of(404, "Not found", e.getMessage()));
    }
  }

  @Provider
  public static final class IdempotencyConflict
      implements ExceptionMapper<IdempotencyConflictException> {
    @Override
    public Response toResponse(IdempotencyConflictException e) {
      return problem(Problem.of(409, "Conflict", e.getMessage()));
    }
  }

  @Provider
  public static final class AlreadyEnded implements ExceptionMapper<JobAlreadyEndedException> {
    @Override
    public Response toResponse(JobAlreadyEndedException e) {
      return problem(Problem.of(409, "Conflict", e.getMessage()));
    }
  }

  /** JAX-RS's own errors (unknown path, wrong method, unsupported media type) as problems. */
  @Provider
  public static final class Web implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      Response.StatusType status = e.getResponse().getStatusInfo();
      return problem(Problem.of(status.getStatusCode(), status.getReasonPhrase(), e.getMessage()));
    }
  }

  /** The database is down or refused: nothing was done, and the client may try again. */
  @Provider
  public static final class StoreUnavailable implements ExceptionMapper<StoreException> {
    @Override
    public Response toResponse(StoreException e) {
      LOG.log(Level.WARNING, "job store failed", e);
      return Response.fromResponse(
              problem(
                  Problem.of(
                      503,
                      "Job store unavailable",
                      "the master cannot reach its job store; nothing was changed, try again")))
          .header("Retry-After", RETRY_AFTER_SECONDS)
          .build();
    }
  }

  /** Anything else is our bug: logged once, answered without details. */
  @Provider
  public static final class Unexpected implements ExceptionMapper<RuntimeException> {
    @Override
    public Response toResponse(RuntimeException e) {
      if (e instanceof WebApplicationException web) {
        return new Web().toResponse(web);
      }
      LOG.log(Level.SEVERE, "request failed", e);
      return problem(
          Problem.of(
              500, "Internal error", "the master failed to handle the request; see its log"));
    }
  }
}
