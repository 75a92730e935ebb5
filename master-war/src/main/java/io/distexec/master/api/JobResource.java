package io.distexec.master.api;

import io.distexec.master.jobs.InvalidJobException;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobNotFoundException;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.LiveOutput;
import io.distexec.master.jobs.QueueFullException;
import io.distexec.master.api.Problem.FieldError;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.List;
import java.util.Locale;

/** Submit, read and list jobs. */
@Path("jobs")
@Dependent
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

  /** Longest {@code Prefer: wait} honoured, in seconds: a request should not hold a thread for long. */
  static final int MAX_WAIT_SECONDS = 60;

  private final JobService jobs;
  private final LiveOutput liveOutput;

  @Inject
  public JobResource(JobService jobs, LiveOutput liveOutput) {
    this.jobs = jobs;
    this.liveOutput = liveOutput;
  }

  /**
   * Accepts a job: 202 with the stored job and its Location. With {@code Prefer: wait=N} (RFC 7240)
   * the answer waits up to N seconds (at most {@value #MAX_WAIT_SECONDS}) and is 200 with the
   * finished job when it ends in time.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response submit(String body, @HeaderParam("Prefer") String prefer, @Context UriInfo uri)
      throws BadRequestException, InvalidJobException, QueueFullException, JobNotFoundException {
    Job job = jobs.submit(JobRequestReader.read(body));
    Optional<Duration> wait = PreferWait.parse(prefer, MAX_WAIT_SECONDS);
    if (wait.isPresent()) {
      try {
        job = jobs.await(job.id(), wait.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Response.ResponseBuilder response = job.status().isTerminal() ? Response.ok(JobView.of(job))
        : Response.accepted(JobView.of(job));
    wait.ifPresent(w -> response.header("Preference-Applied", "wait=" + w.toSeconds()));
    return response.location(uri.getAbsolutePathBuilder().path(job.id()).build()).build();
  }

  @GET
  @Path("{id}")
  public JobView get(@PathParam("id") String id) throws JobNotFoundException {
    return JobView.of(jobs.get(id), liveOutput.snapshot(id));
  }

  /** Newest first; {@code status} filters, {@code limit} caps (default 100, at most 1000). */
  @GET
  public List<JobView> list(@QueryParam("status") String status, @QueryParam("limit") @DefaultValue("100") String limit)
      throws BadRequestException {
    return jobs.list(parseStatus(status), parseLimit(limit)).stream().map(JobView::of).toList();
  }

  private static JobStatus parseStatus(String status) throws BadRequestException {
    if (status == null || status.isBlank()) {
      return null;
    }
    try {
      return JobStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("unknown status '" + status + "'",
          List.of(new FieldError("status", "must be one of " + Arrays.toString(JobStatus.values()))));
    }
  }

  private static int parseLimit(String limit) throws BadRequestException {
    try {
      int value = Integer.parseInt(limit.trim());
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadRequestException("invalid limit '" + limit + "'",
        List.of(new FieldError("limit", "must be a whole number from 1 to " + JobService.MAX_LIST_LIMIT)));
  }
}
