package io.distexec.master.api;

import io.distexec.master.access.Action;
import io.distexec.master.auth.Requires;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The worker autoscaler: its state and recent decisions. */
@Path("scaler")
@Dependent
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Scaler", description = "The worker autoscaler")
public class ScalerResource {

  private final ScalerReport report;

  @Inject
  public ScalerResource(ScalerReport report) {
    this.report = report;
  }

  @GET
  @Requires(Action.READ_WORKERS)
  @Operation(
      summary = "The autoscaler's state",
      description =
          "Whether it runs (SCALER=kubernetes) and on which master (the leader takes the turns),"
              + " the Deployment it scales, the replicas asked for and the workers starting, its"
              + " last decision with the reason in words, the Kubernetes API server's last refusal"
              + " (RBAC, conflict, unreachable) until a turn succeeds, its last 20 decisions, and"
              + " its settings.")
  public ScalerView get() {
    return report.view();
  }
}
