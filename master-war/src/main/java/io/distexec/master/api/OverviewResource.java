package io.distexec.master.api;

import io.distexec.master.access.Action;
import io.distexec.master.access.Caller;
import io.distexec.master.activity.Activity;
import io.distexec.master.auth.CallerContext;
import io.distexec.master.auth.Requires;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.leadership.ClusterWorkers;
import io.distexec.master.leadership.Election;
import io.distexec.master.scheduling.JobQueue;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The cluster at a glance, once or as a stream: what the console's overview shows. */
@Path("overview")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Overview", description = "Queue, workers and the last hour's jobs, for the console")
public class OverviewResource {

  private static final Logger LOG = Logger.getLogger(OverviewResource.class.getName());

  /** How often a stream sends the overview. */
  static final Duration EVERY = Duration.ofSeconds(2);

  /** A stream ends after this; the client reconnects (no connection is held forever). */
  static final Duration STREAM_LIFETIME = Duration.ofMinutes(10);

  /** Streams open at once; more are refused with 429 (each costs a send every two seconds). */
  static final int MAX_STREAMS = 64;

  @Resource ManagedScheduledExecutorService scheduler;

  private final AtomicInteger streams = new AtomicInteger();
  private final AtomicReference<OverviewView> cached = new AtomicReference<>();
  private final ClusterWorkers workers;
  private final JobQueue queue;
  private final Activity activity;
  private final Election election;
  private final Clock clock;

  @Inject
  public OverviewResource(
      ClusterWorkers workers, JobQueue queue, Activity activity, Election election, Clock clock) {
    this.workers = workers;
    this.queue = queue;
    this.activity = activity;
    this.election = election;
    this.clock = clock;
  }

  /** For CDI's proxy only. */
  protected OverviewResource() {
    this(null, null, null, null, null);
  }

  @GET
  @Requires(Action.READ_JOBS)
  @Operation(
      summary = "The cluster at a glance",
      description =
          "Queue depth, jobs running, workers (for callers that may read them), jobs ended per"
              + " minute with their submit-to-result latency over the last hour, recent failures.")
  public OverviewView get(@Context SecurityContext security) {
    return overview(CallerContext.caller(security));
  }

  @GET
  @Path("events")
  @Requires(Action.READ_JOBS)
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(
      summary = "The overview as it changes",
      description =
          "Server-sent `overview` events every two seconds; the stream ends after ten minutes"
              + " (reconnect).")
  @APIResponse(responseCode = "429", description = "Too many streams are open")
  public void events(
      @Context SseEventSink sink, @Context Sse sse, @Context SecurityContext security) {
    Caller caller = CallerContext.caller(security);
    if (streams.incrementAndGet() > MAX_STREAMS) {
      streams.decrementAndGet();
      throw new JobEvents.TooManyWatchersException(
          "the master has " + MAX_STREAMS + " overview streams open already; try again later");
    }
    long endAt = System.nanoTime() + STREAM_LIFETIME.toNanos();
    AtomicBoolean sending = new AtomicBoolean();
    AtomicBoolean closed = new AtomicBoolean();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable close =
        () -> {
          if (closed.compareAndSet(false, true)) {
            streams.decrementAndGet();
            ScheduledFuture<?> t = task.get();
            if (t != null) {
              t.cancel(false);
            }
            try {
              sink.close();
            } catch (RuntimeException e) {
              LOG.log(Level.FINE, "closing an overview stream failed", e);
            }
          }
        };
    Runnable send =
        () -> {
          if (closed.get() || sink.isClosed() || System.nanoTime() > endAt) {
            close.run();
            return;
          }
          if (!sending.compareAndSet(false, true)) {
            return; // the client has not taken the last one yet: skip a beat
          }
          try {
            sink.send(
                    sse.newEventBuilder()
                        .name("overview")
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(overview(caller))
                        .build())
                .whenComplete(
                    (ok, failed) -> {
                      sending.set(false);
                      if (failed != null) {
                        close.run();
                      }
                    });
          } catch (RuntimeException e) {
            sending.set(false);
            close.run();
          }
        };
    task.set(scheduler.scheduleWithFixedDelay(send, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS));
    if (closed.get()) {
      task.get().cancel(false);
    }
  }

  private OverviewView overview(Caller caller) {
    return latest().seenBy(caller);
  }

  /**
   * The whole overview, built at most once per half beat: every open stream sends the same one (64
   * streams cost one build, not 64).
   */
  private OverviewView latest() {
    OverviewView last = cached.get();
    if (last != null && clock.instant().isBefore(last.at().plus(EVERY.dividedBy(2)))) {
      return last;
    }
    int queued = queue.waiting();
    OverviewView fresh =
        new OverviewView(
            clock.instant(),
            election.name(),
            election.leading(),
            queued,
            Math.max(0, queue.unfinished() - queued),
            queue.capacity(),
            WorkerView.all(workers),
            activity.lastHour(),
            activity.recentFailures(),
            activity.changes());
    cached.set(fresh);
    return fresh;
  }
}
