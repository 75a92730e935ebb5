package io.distexec.master.api;

import io.distexec.master.access.AccessDeniedException;
import io.distexec.master.access.Action;
import io.distexec.master.access.Caller;
import io.distexec.master.api.Problem.FieldError;
import io.distexec.master.auth.Audit;
import io.distexec.master.auth.CallerContext;
import io.distexec.master.auth.Requires;
import io.distexec.master.jobs.IdempotencyConflictException;
import io.distexec.master.jobs.InvalidCursorException;
import io.distexec.master.jobs.InvalidJobException;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobAlreadyEndedException;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobLimits;
import io.distexec.master.jobs.JobNotFoundException;
import io.distexec.master.jobs.JobQuery;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.Page;
import io.distexec.master.jobs.QueueFullException;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Submit, follow, list and cancel jobs. */
@Path("jobs")
// One instance for the application: a per-request instance costs a @Resource look-up on every
// request.
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs", description = "Commands to run on the workers, from submission to their end")
public class JobResource {

  /**
   * Longest {@code Prefer: wait} honoured, in seconds: a request should not hold a thread for long.
   */
  static final int MAX_WAIT_SECONDS = 60;

  private static final Pattern AGO = Pattern.compile("(\\d+)([smhd])");

  @Resource ManagedExecutorService executor;

  private final JobService jobs;
  private final JobEvents events;
  private final Clock clock;
  private final Audit audit;

  @Inject
  public JobResource(JobService jobs, JobEvents events, Clock clock, Audit audit) {
    this.jobs = jobs;
    this.events = events;
    this.clock = clock;
    this.audit = audit;
  }

  /** For CDI's proxy only. */
  protected JobResource() {
    this(null, null, null, null);
  }

  /** The job, if this caller may see it; others' jobs do not exist for a submitter. */
  private Job visible(Caller caller, String id) throws JobNotFoundException {
    Job job = jobs.get(id);
    if (!caller.maySee(job)) {
      throw new JobNotFoundException(id);
    }
    return job;
  }

  /**
   * Accepts a job: 202 with the stored job and its Location. With {@code Prefer: wait=N} (RFC 7240)
   * the answer waits up to N seconds (at most {@value #MAX_WAIT_SECONDS}) and is 200 with the
   * finished job when it ends in time.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Requires(Action.SUBMIT_JOB)
  @Operation(
      summary = "Submit a job",
      description =
          "Stores the job as QUEUED and returns it. The command runs "
              + "as an argv array: no shell unless \"shell\": true. With the header `Prefer: wait=N` the answer waits up to "
              + "N seconds (at most 60) for the job to end and is then 200 with the finished job.")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples = {
                @ExampleObject(
                    name = "echo",
                    value = "{\"command\":\"echo\",\"args\":[\"hello\",\"world\"]}"),
                @ExampleObject(
                    name = "everything",
                    value =
                        "{\"command\":\"sh\",\"args\":[\"-c\",\"cat; echo $GREETING\"],"
                            + "\"env\":{\"GREETING\":\"hi\"},\"workdir\":\"/tmp\",\"stdin\":\"input\\n\",\"timeoutSeconds\":30}"),
                @ExampleObject(
                    name = "retries",
                    value =
                        "{\"command\":\"./sync.sh\",\"maxAttempts\":3,"
                            + "\"retryOnExitCodes\":[75]}"),
                @ExampleObject(
                    name = "script",
                    value =
                        "{\"type\":\"script\",\"command\":\"python3\","
                            + "\"attributes\":{\"script\":\"print('hi')\"}}")
              }))
  @APIResponse(responseCode = "202", description = "Accepted and stored; follow it at Location")
  @APIResponse(responseCode = "200", description = "Finished within the Prefer: wait time")
  @APIResponse(responseCode = "400", description = "Bad input; `errors` names each field to fix")
  @APIResponse(
      responseCode = "409",
      description = "The Idempotency-Key was used for a different request")
  @APIResponse(
      responseCode = "429",
      description = "MAX_CONCURRENT_JOBS jobs are unfinished; retry after Retry-After")
  public Response submit(
      InputStream body,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @HeaderParam("Prefer") String prefer,
      @Parameter(
              description =
                  "Makes the submit safe to repeat: the same key and request return the first job")
          @HeaderParam("Idempotency-Key")
          String idempotencyKey,
      @Context UriInfo uri,
      @Context SecurityContext security)
      throws BadRequestException,
          InvalidJobException,
          QueueFullException,
          JobNotFoundException,
          IdempotencyConflictException,
          PayloadTooLargeException,
          IOException {
    Caller caller = CallerContext.caller(security);
    JobService.Submitted submitted;
    try {
      byte[] bytes =
          BoundedBody.read(
              body, contentLength, jobs.limits().maxBodyBytes(), "twice MAX_JOB_SPEC_BYTES");
      JobService.Request submission =
          JobRequestReader.read(new String(bytes, StandardCharsets.UTF_8));
      submitted = jobs.submit(submission.spec(), submission.retry(), idempotencyKey, caller.name());
    } catch (BadRequestException
        | InvalidJobException
        | QueueFullException
        | IdempotencyConflictException
        | PayloadTooLargeException e) {
      audit.record(
          caller, "job.submit", "", CallerContext.address(security), "refused: " + e.getMessage());
      throw e;
    }
    Job job = submitted.job();
    audit.record(caller, "job.submit", job.id(), CallerContext.address(security), Audit.OK);
    Optional<Duration> wait = PreferWait.parse(prefer, MAX_WAIT_SECONDS);
    if (wait.isPresent()) {
      awaitEnd(job.id(), wait.get());
      job = jobs.get(job.id());
    }
    JobView view = JobView.of(job, jobs.waiting(job));
    Response.ResponseBuilder response =
        job.status().isTerminal() ? Response.ok(view) : Response.accepted(view);
    wait.ifPresent(w -> response.header("Preference-Applied", "wait=" + w.toSeconds()));
    if (submitted.replayed()) {
      response.header("Idempotent-Replayed", "true");
    }
    return response.location(uri.getAbsolutePathBuilder().path(job.id()).build()).build();
  }

  /** The answer to a batch submit: its jobs, in the request's order. */
  public record BatchView(List<JobView> jobs) {}

  /** Accepts many jobs all together or none, in one commit: 202 with the stored jobs. */
  @POST
  @Path("batch")
  @Consumes(MediaType.APPLICATION_JSON)
  @Requires(Action.SUBMIT_JOB)
  @Operation(
      summary = "Submit many jobs",
      description =
          "Stores 1 to 1,000 jobs as QUEUED in one commit, all or none, and returns them in order."
              + " Each job is what POST /api/v1/jobs takes; an error names its job's place"
              + " (`jobs[3].command`). The body is bounded as one submit's is. With an"
              + " Idempotency-Key, a repeat of the batch returns its jobs.")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples =
                  @ExampleObject(
                      name = "two",
                      value =
                          "{\"jobs\":[{\"command\":\"echo\",\"args\":[\"1\"]},"
                              + "{\"command\":\"echo\",\"args\":[\"2\"]}]}")))
  @APIResponse(responseCode = "202", description = "Accepted and stored, every one")
  @APIResponse(responseCode = "400", description = "Bad input; `errors` names each field to fix")
  @APIResponse(
      responseCode = "409",
      description = "The Idempotency-Key was used for a different batch")
  @APIResponse(responseCode = "413", description = "The body is larger than one submit may be")
  @APIResponse(
      responseCode = "429",
      description = "The queue has no room for all of them; retry after Retry-After")
  public Response submitBatch(
      InputStream body,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @Parameter(description = "Makes the batch safe to repeat") @HeaderParam("Idempotency-Key")
          String idempotencyKey,
      @Context SecurityContext security)
      throws BadRequestException,
          InvalidJobException,
          QueueFullException,
          IdempotencyConflictException,
          PayloadTooLargeException,
          IOException {
    Caller caller = CallerContext.caller(security);
    List<JobService.Submitted> submitted;
    try {
      byte[] bytes =
          BoundedBody.read(
              body, contentLength, jobs.limits().maxBodyBytes(), "twice MAX_JOB_SPEC_BYTES");
      submitted =
          jobs.submitAll(
              JobRequestReader.readBatch(new String(bytes, StandardCharsets.UTF_8)),
              idempotencyKey,
              caller.name());
    } catch (BadRequestException
        | InvalidJobException
        | QueueFullException
        | IdempotencyConflictException
        | PayloadTooLargeException e) {
      audit.record(
          caller,
          "job.submit_batch",
          "",
          CallerContext.address(security),
          "refused: " + e.getMessage());
      throw e;
    }
    List<Job> stored = submitted.stream().map(JobService.Submitted::job).toList();
    audit.record(
        caller, "job.submit_batch", Audit.batch(stored), CallerContext.address(security), Audit.OK);
    Response.ResponseBuilder response =
        Response.accepted(
            new BatchView(stored.stream().map(j -> JobView.of(j, jobs.waiting(j))).toList()));
    if (submitted.stream().allMatch(JobService.Submitted::replayed)) {
      response.header("Idempotent-Replayed", "true");
    }
    return response.build();
  }

  @GET
  @Path("{id}")
  @Requires(Action.READ_JOBS)
  @Operation(
      summary = "Get a job",
      description =
          "While the job runs, stdout and stderr show what it printed so far. "
              + "`history` lists its state changes: time, state, worker, attempt and reason.")
  @APIResponse(responseCode = "200", description = "The job")
  @APIResponse(responseCode = "404", description = "No such job")
  public JobView get(@PathParam("id") String id, @Context SecurityContext security)
      throws JobNotFoundException {
    Job job = visible(CallerContext.caller(security), id);
    return JobView.of(job, jobs.waiting(job), events.output(id), jobs.history(id));
  }

  @GET
  @Requires(Action.READ_JOBS)
  @Operation(
      summary = "List jobs",
      description =
          "Newest first, a page at a time: pass `nextCursor` as `cursor` " + "for the next page.")
  @APIResponse(responseCode = "200", description = "A page of jobs")
  @APIResponse(responseCode = "400", description = "A bad filter, limit or cursor")
  public JobPageView list(
      @Parameter(description = "Only jobs in this state", example = "FAILED") @QueryParam("status")
          String status,
      @Parameter(description = "Only jobs of this worker", example = "worker-1")
          @QueryParam("worker")
          String worker,
      @Parameter(
              description =
                  "Only jobs created since: an ISO-8601 instant or an age such as 30m, 2h, 1d",
              example = "1h")
          @QueryParam("since")
          String since,
      @Parameter(
              description = "Only jobs created before: an ISO-8601 instant or an age such as 1h",
              example = "2026-01-01T00:00:00Z")
          @QueryParam("until")
          String until,
      @Parameter(
              description =
                  "Only jobs whose command line (command and arguments) holds this text, any case",
              example = "backup")
          @QueryParam("q")
          String text,
      @Parameter(description = "Page size, 1-1000") @QueryParam("limit") @DefaultValue("100")
          String limit,
      @Parameter(description = "Where the previous page ended") @QueryParam("cursor") String cursor,
      @Context SecurityContext security)
      throws BadRequestException {
    try {
      Page page =
          jobs.list(
              new JobQuery(
                  parseStatus(status),
                  blankToNull(worker),
                  parseInstant("since", since),
                  parseInstant("until", until),
                  parseText(text),
                  parseLimit(limit),
                  blankToNull(cursor),
                  CallerContext.caller(security).listingOwner()));
      return new JobPageView(
          page.jobs().stream().map(j -> JobView.summary(j, jobs.waiting(j))).toList(),
          page.nextCursor());
    } catch (InvalidCursorException e) {
      throw new BadRequestException(
          e.getMessage(), List.of(new FieldError("cursor", e.getMessage())));
    }
  }

  @POST
  @Path("{id}/rerun")
  @Requires(Action.SUBMIT_JOB)
  @Operation(
      summary = "Run a job again",
      description =
          "A new job with the same spec (environment and stdin included, which the API never"
              + " shows) and retry policy, submitted by the caller; 202 with the new job.")
  @APIResponse(responseCode = "202", description = "The new job, stored")
  @APIResponse(responseCode = "404", description = "No such job")
  @APIResponse(
      responseCode = "429",
      description = "MAX_CONCURRENT_JOBS jobs are unfinished; retry after Retry-After")
  public Response rerun(
      @PathParam("id") String id, @Context UriInfo uri, @Context SecurityContext security)
      throws JobNotFoundException, InvalidJobException, QueueFullException {
    Caller caller = CallerContext.caller(security);
    String address = CallerContext.address(security);
    Job job;
    try {
      Job original = visible(caller, id);
      job = jobs.submit(original.spec(), original.retry(), null, caller.name()).job();
    } catch (IdempotencyConflictException e) {
      throw new IllegalStateException("a submit without an Idempotency-Key conflicted", e);
    } catch (JobNotFoundException | InvalidJobException | QueueFullException e) {
      audit.record(caller, "job.rerun", id, address, "refused: " + e.getMessage());
      throw e;
    }
    audit.record(caller, "job.rerun", id, address, "ok: " + job.id());
    return Response.accepted(JobView.of(job, jobs.waiting(job)))
        .location(uri.getBaseUriBuilder().path("jobs").path(job.id()).build())
        .build();
  }

  @POST
  @Path("{id}/cancel")
  @Requires(Action.CANCEL_JOB)
  @Operation(
      summary = "Cancel a job",
      description =
          "A queued job ends CANCELLED at once (200). A running job is "
              + "cancelled on its worker, which kills its process tree; the answer is 202 and the job ends CANCELLED "
              + "shortly after.")
  @APIResponse(responseCode = "200", description = "Cancelled")
  @APIResponse(responseCode = "202", description = "Cancel sent to the job's worker")
  @APIResponse(responseCode = "404", description = "No such job")
  @APIResponse(responseCode = "409", description = "The job has already ended")
  public Response cancel(
      @PathParam("id") String id,
      @QueryParam("reason") String reason,
      @Context SecurityContext security)
      throws JobNotFoundException,
          JobAlreadyEndedException,
          BadRequestException,
          AccessDeniedException {
    Optional<String> refusal = JobLimits.refusalOfReason(reason);
    if (refusal.isPresent()) {
      throw new BadRequestException(
          refusal.get(), List.of(new FieldError("reason", refusal.get())));
    }
    Caller caller = CallerContext.caller(security);
    String address = CallerContext.address(security);
    Job job;
    try {
      if (!caller.mayCancel(visible(caller, id))) {
        throw new AccessDeniedException(caller, Action.CANCEL_JOB);
      }
      job = jobs.cancel(id, reason);
    } catch (JobNotFoundException | JobAlreadyEndedException | AccessDeniedException e) {
      audit.record(caller, "job.cancel", id, address, "refused: " + e.getMessage());
      throw e;
    }
    audit.record(caller, "job.cancel", id, address, Audit.OK);
    return (job.status().isTerminal()
            ? Response.ok(JobView.of(job))
            : Response.accepted(JobView.of(job)))
        .build();
  }

  @GET
  @Path("{id}/output")
  @Requires(Action.READ_JOBS)
  @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
  @Operation(
      summary = "Get a job's output",
      description =
          "stdout and stderr separately as JSON, or one stream as "
              + "plain text with `stream`. While the job runs: what it printed so far.")
  @APIResponse(responseCode = "200", description = "The output")
  @APIResponse(responseCode = "404", description = "No such job")
  public Response output(
      @PathParam("id") String id,
      @Parameter(description = "stdout or stderr: that stream alone, as text/plain")
          @QueryParam("stream")
          String stream,
      @Parameter(description = "Only the last N lines") @QueryParam("tail") String tailLines,
      @Context SecurityContext security)
      throws JobNotFoundException, BadRequestException {
    Integer tail = parseTail(tailLines);
    JobView view = get(id, security);
    if (stream == null || stream.isBlank()) {
      return Response.ok(
              new OutputView(
                  Tail.lines(view.stdout(), tail),
                  Tail.lines(view.stderr(), tail),
                  view.stdoutBytes(),
                  view.stderrBytes(),
                  view.outputTruncated()))
          .build();
    }
    String text =
        switch (stream.trim().toLowerCase(Locale.ROOT)) {
          case "stdout" -> view.stdout();
          case "stderr" -> view.stderr();
          default ->
              throw new BadRequestException(
                  "unknown stream '" + stream + "'",
                  List.of(new FieldError("stream", "must be stdout or stderr")));
        };
    return Response.ok(
            Tail.lines(text, tail).getBytes(StandardCharsets.UTF_8), "text/plain;charset=utf-8")
        .build();
  }

  @GET
  @Path("{id}/events")
  @Requires(Action.READ_JOBS)
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(
      summary = "Follow a job",
      description =
          "Server-sent events: `state` events for state changes and "
              + "`output` events for output chunks, each with its sequence number as the event id. Resume after a "
              + "disconnect with the Last-Event-ID header (or `after`): nothing stored is missed or repeated. The stream "
              + "ends after the job's terminal state.")
  @APIResponse(responseCode = "200", description = "The event stream")
  @APIResponse(responseCode = "404", description = "No such job")
  public void events(
      @PathParam("id") String id,
      @HeaderParam(HttpHeaders.LAST_EVENT_ID_HEADER) String lastEventId,
      @Parameter(description = "Only events after this sequence number") @QueryParam("after")
          String after,
      @Context SseEventSink sink,
      @Context Sse sse,
      @Context SecurityContext security)
      throws JobNotFoundException, BadRequestException {
    visible(CallerContext.caller(security), id);
    long from = parseSequence(lastEventId != null ? lastEventId : after);
    SseWatcher watcher = new SseWatcher(sink, sse, executor);
    watcher.unsubscribeWith(events.watch(id, from, watcher));
  }

  /**
   * Waits until the job's terminal state is recorded (woken by its event, no polling), or the
   * timeout.
   */
  private void awaitEnd(String id, Duration timeout) {
    CountDownLatch ended = new CountDownLatch(1);
    Runnable unsubscribe;
    try {
      unsubscribe =
          events.watch(
              id,
              Long.MAX_VALUE,
              new JobEvents.Watcher() {
                @Override
                public void event(JobEvents.Event event) {}

                @Override
                public void end() {
                  ended.countDown();
                }
              });
    } catch (JobEvents.TooManyWatchersException e) {
      return; // the answer is the job as it is now (202), as when the wait runs out
    }
    try {
      ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      unsubscribe.run();
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static long parseSequence(String value) throws BadRequestException {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new BadRequestException(
          "the event id '" + value + "' is not a sequence number",
          List.of(new FieldError("Last-Event-ID", "must be a whole number")));
    }
  }

  private static JobStatus parseStatus(String status) throws BadRequestException {
    if (status == null || status.isBlank()) {
      return null;
    }
    try {
      return JobStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(
          "unknown status '" + status + "'",
          List.of(
              new FieldError("status", "must be one of " + Arrays.toString(JobStatus.values()))));
    }
  }

  private static String parseText(String text) throws BadRequestException {
    if (text != null && text.length() > JobQuery.MAX_TEXT_CHARS) {
      String why = "at most " + JobQuery.MAX_TEXT_CHARS + " characters";
      throw new BadRequestException(
          "the text filter is too long", List.of(new FieldError("q", why)));
    }
    return text;
  }

  /** An instant or an age ({@code 30m}) before now, for the parameter {@code field}. */
  private Instant parseInstant(String field, String since) throws BadRequestException {
    if (since == null || since.isBlank()) {
      return null;
    }
    try {
      Matcher ago = AGO.matcher(since.trim());
      if (ago.matches()) {
        long n = Long.parseLong(ago.group(1));
        Duration age =
            switch (ago.group(2)) {
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        return clock.instant().minus(age);
      }
      return Instant.parse(since.trim());
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      // Unparseable, or an age so large it leaves the calendar (since=99999999999999999999d).
      throw new BadRequestException(
          "invalid " + field + " '" + since + "'",
          List.of(
              new FieldError(
                  field,
                  "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z or an age such as 30m,"
                      + " 2h, 1d, within the calendar")));
    }
  }

  private static Integer parseTail(String tail) throws BadRequestException {
    if (tail == null || tail.isBlank()) {
      return null;
    }
    try {
      int lines = Integer.parseInt(tail.trim());
      if (lines >= 0) {
        return lines;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadRequestException(
        "invalid tail '" + tail + "'",
        List.of(new FieldError("tail", "must be a whole number of lines, 0 or more")));
  }

  private static int parseLimit(String limit) throws BadRequestException {
    try {
      int value = Integer.parseInt(limit.trim());
      if (value >= 1 && value <= JobService.MAX_LIST_LIMIT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadRequestException(
        "invalid limit '" + limit + "'",
        List.of(
            new FieldError(
                "limit", "must be a whole number from 1 to " + JobService.MAX_LIST_LIMIT)));
  }
}
