package io.distexec.master.api;

import io.distexec.master.access.Action;
import io.distexec.master.auth.Audit;
import io.distexec.master.auth.CallerContext;
import io.distexec.master.auth.Requires;
import io.distexec.master.leadership.ClusterWorkers;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The registered workers. */
@Path("workers")
@Dependent
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Workers", description = "The machines that run jobs")
public class WorkerResource {

  private final ClusterWorkers workers;
  private final Audit audit;

  @Inject
  public WorkerResource(ClusterWorkers workers, Audit audit) {
    this.workers = workers;
    this.audit = audit;
  }

  @GET
  @Requires(Action.READ_WORKERS)
  @Operation(
      summary = "List workers",
      description =
          "With their state (READY or DRAINING), tasks in flight, " + "slots and executors.")
  public List<WorkerView> list() {
    return WorkerView.all(workers);
  }

  @POST
  @Path("{id}/drain")
  @Requires(Action.DRAIN_WORKER)
  @Operation(
      summary = "Drain a worker",
      description =
          "The worker gets no new work, finishes what runs "
              + "(within its DRAIN_GRACE_SECONDS), then deregisters.")
  @APIResponse(responseCode = "200", description = "The worker, now DRAINING")
  @APIResponse(responseCode = "404", description = "No such worker")
  public WorkerView drain(@PathParam("id") String id, @Context SecurityContext security) {
    var drained = workers.drain(id);
    audit.record(
        CallerContext.caller(security),
        "worker.drain",
        id,
        CallerContext.address(security),
        drained.isPresent() ? Audit.OK : "refused: no such worker");
    return drained
        .map(WorkerView::of)
        .orElseThrow(() -> new NotFoundException("no worker " + id + " is registered"));
  }
}
